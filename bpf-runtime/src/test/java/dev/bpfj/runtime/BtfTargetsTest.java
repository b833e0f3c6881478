package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * BTF attach targets set before load (tp_btf loads and runs here), and the clear errors of the
 * kinds this kernel refuses: fentry (EPERM at load) and kprobe.multi (no kprobes).
 */
@KernelTest(needs = KernelTest.Facility.CLANG)
class BtfTargetsTest {

    @Test
    void tpBtfProgramGetsItsTargetBeforeLoad() {
        try (BpfObject object = Fixtures.open("btf_targets")) {
            object.program("count_unlinks").autoload(false);
            object.program("count_multi").autoload(false);
            BpfProgram program = object.program("count_sys_enter");
            BpfException missing = assertThrows(BpfException.class, () -> program.attachTarget("no_such_tracepoint_bpfj"));
            assertTrue(missing.getMessage().startsWith("set attach target of program count_sys_enter (tp_btf) to kernel function no_such_tracepoint_bpfj: "),
                    missing.getMessage());
            program.attachTarget("sys_enter");
            object.globalData(".rodata").setInt(0, Fixtures.tgid());
            object.load();
            IllegalStateException late = assertThrows(IllegalStateException.class, () -> program.attachTarget("sys_exit"));
            assertTrue(late.getMessage().contains("already loaded"), late.getMessage());
            // libbpf's auto-attach uses the target set before load.
            try (BpfLink link = program.attach()) {
                GlobalData bss = object.globalData(".bss");
                long before = bss.getLong(0);
                for (int i = 0; i < 5; i++) {
                    Fixtures.openat("/bpfj-btf-target-" + i);
                }
                assertTrue(bss.getLong(0) - before >= 5, "sys_enter seen " + (bss.getLong(0) - before) + " times");
            }
        }
    }

    @Test
    void fentryLoadFailureNamesTheProgramAndErrno() {
        try (BpfObject object = Fixtures.open("btf_targets")) {
            object.program("count_sys_enter").autoload(false);
            object.program("count_multi").autoload(false);
            BpfProgram fentry = object.program("count_unlinks");
            fentry.attachTarget("do_rmdir");
            try {
                object.load();
                // A kernel that allows fentry: the retargeted program really attaches.
                fentry.attach().close();
            } catch (BpfException refused) {
                System.err.println("DEBUG " + refused.getMessage());
                assertTrue(refused.getMessage().contains("count_unlinks") || refused.getMessage().contains("btf_targets"),
                        refused.getMessage());
                assertTrue(refused.errno() != 0, refused.getMessage());
                assertTrue(refused.getMessage().contains("(" + refused.errnoName() + ")"), refused.getMessage());
            }
        }
    }

    @Test
    void kprobeMultiAttachFailureIsClear() {
        try (BpfObject object = Fixtures.open("btf_targets")) {
            object.program("count_sys_enter").autoload(false);
            object.program("count_unlinks").autoload(false);
            object.load();
            BpfProgram multi = object.program("count_multi");
            try (BpfLink link = multi.attachKprobeMulti(false, "do_unlinkat")) {
                // Kernels with kprobes and fprobe attach; the link is real.
                assertTrue(link.fd() >= 0);
            } catch (BpfException refused) {
                System.err.println("DEBUG " + refused.getMessage());
                assertTrue(refused.getMessage().startsWith("attach program count_multi (kprobe.multi) to kprobe.multi do_unlinkat: "),
                        refused.getMessage());
                assertTrue(refused.hint() != null, refused.getMessage());
            }
            assertThrows(IllegalArgumentException.class, () -> multi.attachKprobeMulti(false, java.util.List.of()));
        }
    }
}
