package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** CO-RE against a BTF file given in OpenOptions (btf_custom_path), as on kernels that ship no BTF. */
@KernelTest(needs = {KernelTest.Facility.CLANG, KernelTest.Facility.TRACEFS})
class CustomBtfTest {

    @Test
    void coReRelocatesAgainstACopiedBtfFile() throws Exception {
        Path copy = Files.createTempFile("bpfj-kinds-vmlinux-" + ProcessHandle.current().pid() + "-", ".btf");
        Path garbage = Files.createTempFile("bpfj-kinds-garbage-" + ProcessHandle.current().pid() + "-", ".btf");
        try {
            Files.copy(Path.of("/sys/kernel/btf/vmlinux"), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            try (BpfObject object = BpfObject.open(Fixtures.object("core"),
                    OpenOptions.defaults().withObjectName("core").withBtfCustomPath(copy))) {
                object.globalData(".rodata").setInt(0, Fixtures.tgid());
                object.load();
                object.attachAll();
                Fixtures.openat("/bpfj-custom-btf");
                assertEquals(Fixtures.tgid(), object.globalData(".bss").getInt(0), "task->tgid read through the relocated offset");
            }
            // The file is really what libbpf relocates against: one that is not BTF fails the load.
            Files.write(garbage, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
            try (BpfObject object = BpfObject.open(Fixtures.object("core"),
                    OpenOptions.defaults().withObjectName("core").withBtfCustomPath(garbage))) {
                BpfException refused = assertThrows(BpfException.class, object::load);
                assertTrue(refused.getMessage().startsWith("load object core: "), refused.getMessage());
            }
            // Damaged BTF (an integer wider than any) is refused before libbpf parses it.
            byte[] damaged = Files.readAllBytes(copy);
            java.nio.ByteBuffer view = java.nio.ByteBuffer.wrap(damaged).order(java.nio.ByteOrder.nativeOrder());
            int firstType = 24 + view.getInt(8);
            assertEquals(1, view.getInt(firstType + 4) >>> 24, "the kernel's BTF type [1] is an integer");
            view.putInt(firstType + 8, 0xc000_0004);
            Files.write(garbage, damaged);
            BpfException damage = assertThrows(BpfException.class, () -> BpfObject.open(Fixtures.object("core"),
                    OpenOptions.defaults().withObjectName("core").withBtfCustomPath(garbage)));
            assertTrue(damage.getMessage().contains("the kernel BTF file " + garbage + " (btfCustomPath) is damaged:"
                    + " BTF type [1] is a 3221225476-byte integer"), damage.getMessage());
        } finally {
            Files.deleteIfExists(copy);
            Files.deleteIfExists(garbage);
        }
    }
}
