package dev.bpfj.toolchain.object;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.bpfj.toolchain.BpfFormatException;
import dev.bpfj.toolchain.Fixtures;
import dev.bpfj.toolchain.btf.Btf;
import dev.bpfj.toolchain.btf.BtfExt;
import dev.bpfj.toolchain.btf.BtfType;
import dev.bpfj.toolchain.elf.ElfFile;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Feeds damaged copies of real objects to the reader: truncations and bit flips at many
 * positions. Each must either parse (a flipped bit in debug info changes nothing the reader
 * uses) or fail with a {@link BpfFormatException} naming the file; nothing else may escape.
 * Iterations are bounded and the random source is seeded, so a failure reproduces.
 */
class MalformedObjectTest {

    private static final int TRUNCATIONS = 300;
    private static final int FLIPS = 1500;

    @Test
    void damagedObjectsOnlyEverRaiseBpfFormatException() {
        for (var object : List.of(Fixtures.object("maps"), Fixtures.bigEndianObject("programs"),
                Fixtures.object("btf_zoo"))) {
            byte[] original = Fixtures.bytes(object);
            Random random = new Random(original.length);
            int rejected = 0;
            for (int i = 0; i < TRUNCATIONS; i++) {
                int length = i < 64 ? i : random.nextInt(original.length);
                rejected += attempt("truncated to " + length, Arrays.copyOf(original, length), true);
            }
            for (int i = 0; i < FLIPS; i++) {
                byte[] damaged = original.clone();
                // Concentrate on the headers, the BTF and the tables, where damage matters.
                int position = random.nextInt(4) == 0 ? random.nextInt(Math.min(64, damaged.length))
                        : random.nextInt(damaged.length);
                damaged[position] ^= (byte) (1 << random.nextInt(8));
                if (random.nextBoolean()) {
                    int second = random.nextInt(damaged.length);
                    damaged[second] = (byte) (random.nextBoolean() ? 0xff : random.nextInt());
                }
                rejected += attempt("bit flip at " + position, damaged, false);
            }
            assertTrue(rejected > TRUNCATIONS / 2, object + ": only " + rejected + " damaged copies were rejected");
        }
    }

    /**
     * The same for the BTF and BTF.ext sections on their own, where flips land in type records,
     * counts and string offsets rather than in debug info the reader skips.
     */
    @Test
    void damagedBtfOnlyEverRaisesBpfFormatException() throws Exception {
        ElfFile elf = ElfFile.read(Fixtures.object("btf_zoo"));
        byte[] btfBytes = elf.section(".BTF").orElseThrow().bytes();
        byte[] extBytes = elf.section(".BTF.ext").orElseThrow().bytes();
        Btf intact = Btf.parse("zoo.btf", btfBytes);
        Random random = new Random(42);
        int rejected = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] btf = btfBytes.clone();
            byte[] ext = extBytes.clone();
            boolean damageExt = i % 3 == 0;
            byte[] target = damageExt ? ext : btf;
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                int position = random.nextInt(target.length);
                target[position] ^= (byte) (1 << random.nextInt(8));
            }
            try {
                Btf parsed = Btf.parse("damaged.btf", btf);
                // Everything a parsed blob offers must answer without exceptions.
                for (BtfType type : parsed.types()) {
                    parsed.describe(type.id());
                    parsed.resolve(type.id());
                    if (parsed.hasSize(type.id())) {
                        parsed.sizeOf(type.id());
                    }
                }
                BtfExt.parse("damaged.btf", ByteBuffer.wrap(ext), ".BTF.ext", 0, damageExt ? intact : parsed);
            } catch (BpfFormatException e) {
                assertTrue(e.getMessage().contains("damaged.btf"), e.getMessage());
                assertTrue(e.byteOffset() >= 0 && e.byteOffset() <= target.length, e.getMessage());
                rejected++;
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                throw new AssertionError("flip " + i + ": " + e, e);
            }
        }
        assertTrue(rejected > 300, "only " + rejected + " damaged blobs were rejected");
    }

    private static int attempt(String what, byte[] bytes, boolean mustFail) {
        try {
            BpfObjectSpec spec = BpfObjectSpec.parse("damaged.bpf.o", bytes);
            // A model that parsed must be usable without further exceptions.
            spec.programs().forEach(p -> p.helperIds());
            spec.globalSections().forEach(s -> s.initialBytes());
            if (mustFail && bytes.length < 64) {
                fail(what + ": a file shorter than an ELF header parsed");
            }
            return 0;
        } catch (BpfFormatException e) {
            assertTrue(e.getMessage().contains("damaged.bpf.o"), e.getMessage());
            assertTrue(e.byteOffset() >= -1 && e.byteOffset() <= bytes.length, "offset outside the file: "
                    + e.getMessage());
            return 1;
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            throw new AssertionError(what + ": " + e, e);
        }
    }
}
