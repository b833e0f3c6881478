package dev.bpfj.toolchain.vmlinux;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.bpfj.toolchain.BpfFormatException;
import dev.bpfj.toolchain.clang.BpfBuildException;
import dev.bpfj.toolchain.clang.BuildLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad BTF gives the build's error naming the file and byte offset, and no other exception. */
class HostileBtfTest {

    private static final Path KERNEL_BTF = Path.of("/sys/kernel/btf/vmlinux");

    @TempDir
    Path dir;

    private BpfBuildException failure(byte[] bytes, String name) throws Exception {
        Path btf = dir.resolve(name);
        Files.write(btf, bytes);
        VmlinuxRequest request = new VmlinuxRequest(btf, dir.resolve("vmlinux.h"), List.of());
        return assertThrows(BpfBuildException.class, () -> new VmlinuxGenerator(BuildLog.silent()).generate(request));
    }

    private static byte[] sample() {
        TinyBtf btf = new TinyBtf();
        int i32 = btf.intType("int", 4, true);
        int u8 = btf.intType("unsigned char", 1, false);
        int arr = btf.array(u8, i32, 16);
        int inner = btf.struct("inner", 20, "x", i32, 0, "bytes", arr, 32);
        int ptr = btf.ptr(inner);
        int proto = btf.proto(i32, "p", ptr);
        btf.typedef("cb_t", btf.ptr(proto));
        btf.struct("outer", 32, "in", inner, 0, "p", ptr, 192);
        btf.enumType("color", 4, "RED", 0, "GREEN", 1);
        return btf.build();
    }

    @Test
    void fileThatIsNotBtfNamesFileAndOffset() throws Exception {
        BpfBuildException error = failure("#ifndef __VMLINUX_H__\n".getBytes(StandardCharsets.UTF_8), "vmlinux.h");
        BpfFormatException cause = assertInstanceOf(BpfFormatException.class, error.getCause());
        assertTrue(error.getMessage().contains(dir.resolve("vmlinux.h").toString()), error.getMessage());
        assertTrue(error.getMessage().contains("offset " + cause.byteOffset()), error.getMessage());
    }

    @Test
    void truncatedBtfNamesFileAndOffset() throws Exception {
        byte[] whole = sample();
        for (int length : new int[] {0, 3, 20, 24, 40, whole.length - 30, whole.length - 1}) {
            BpfBuildException error = failure(Arrays.copyOf(whole, length), "cut-" + length + ".btf");
            BpfFormatException cause = assertInstanceOf(BpfFormatException.class, error.getCause(),
                    "truncated to " + length);
            assertTrue(error.getMessage().contains("cut-" + length + ".btf"), error.getMessage());
            assertTrue(cause.byteOffset() >= 0 && error.getMessage().contains("offset"), error.getMessage());
        }
    }

    @Test
    void forgedTypeIdNamesFileAndOffset() throws Exception {
        byte[] forged = sample();
        // The first struct member's type id (of "inner", after int, uchar and array) points far away.
        int offset = 24 + 16 + 16 + 24 + 12 + 4;
        forged[offset] = (byte) 0x7f;
        forged[offset + 1] = (byte) 0x7f;
        BpfBuildException error = failure(forged, "forged.btf");
        assertInstanceOf(BpfFormatException.class, error.getCause());
        assertTrue(error.getMessage().contains("forged.btf") && error.getMessage().contains("offset"),
                error.getMessage());
    }

    @Test
    void randomCorruptionGivesOnlyTheBuildError() throws Exception {
        byte[] whole = sample();
        Random random = new Random(7);
        for (int round = 0; round < 500; round++) {
            byte[] bytes = whole.clone();
            int flips = 1 + random.nextInt(4);
            for (int i = 0; i < flips; i++) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            Path btf = dir.resolve("corrupt.btf");
            Files.write(btf, bytes);
            try {
                new VmlinuxGenerator(BuildLog.silent()).generate(
                        new VmlinuxRequest(btf, dir.resolve("out-" + round + ".h"), List.of()));
            } catch (BpfBuildException expected) {
                assertTrue(expected.getMessage().contains("corrupt.btf"), expected.getMessage());
            } catch (RuntimeException | Error other) {
                fail("round " + round + ": corrupt BTF gave " + other, other);
            }
        }
    }

    @Test
    void truncatedKernelBtfNamesFileAndOffset() throws Exception {
        if (!Files.isReadable(KERNEL_BTF)) {
            return; // the hand-built cases above cover machines without kernel BTF
        }
        byte[] kernel = Files.readAllBytes(KERNEL_BTF);
        for (int length : new int[] {kernel.length / 3, kernel.length / 2, kernel.length - 7}) {
            BpfBuildException error = failure(Arrays.copyOf(kernel, length), "vmlinux-" + length);
            assertInstanceOf(BpfFormatException.class, error.getCause());
            assertTrue(error.getMessage().contains("vmlinux-" + length) && error.getMessage().contains("offset"),
                    error.getMessage());
        }
    }
}
