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
            if (BpfFeatures.programType(ProgramType.TRACING)) {
                // A kernel that allows fentry: the retargeted program really attaches.
                object.load();
                fentry.attach().close();
                return;
            }
            BpfException refused = assertThrows(BpfException.class, object::load);
            assertEquals("EPERM", refused.errnoName(), refused.getMessage());
            assertTrue(refused.getMessage().startsWith("load program count_unlinks (fentry/do_unlinkat) of object btf_targets:"
                    + " Operation not permitted (EPERM); "), refused.getMessage());
            assertTrue(refused.getMessage().contains("program count_unlinks (fentry/do_unlinkat) is a fentry/fexit/fmod_ret program"
                    + " and this kernel refused it"), refused.getMessage());
            assertTrue(refused.getMessage().contains("Turn its autoload off"), refused.getMessage());
        }
    }

    @Test
    void kprobeMultiAttachFailureIsClear() {
        try (BpfObject object = Fixtures.open("btf_targets")) {
            object.program("count_sys_enter").autoload(false);
            object.program("count_unlinks").autoload(false);
            object.load();
            BpfProgram multi = object.program("count_multi");
            if (java.nio.file.Files.exists(java.nio.file.Path.of("/sys/kernel/tracing/kprobe_events"))) {
                // A kernel with kprobes: kprobe.multi attaches where it also has fprobe (5.18+).
                try (BpfLink link = multi.attachKprobeMulti(false, "do_unlinkat")) {
                    assertTrue(link.fd() >= 0);
                } catch (BpfException refused) {
                    assertTrue(refused.hint() != null, refused.getMessage());
                }
            } else {
                // No CONFIG_KPROBES (this project's CI kernel): the attach fails and says why.
                BpfException refused = assertThrows(BpfException.class, () -> multi.attachKprobeMulti(false, "do_unlinkat"));
                assertTrue(refused.getMessage().startsWith("attach program count_multi (kprobe.multi) to kprobe.multi do_unlinkat: "),
                        refused.getMessage());
                assertTrue(refused.getMessage().contains("CONFIG_KPROBES"), refused.getMessage());
                BpfException listed = assertThrows(BpfException.class,
                        () -> multi.attachKprobeMulti(true, java.util.List.of("do_unlinkat", "do_rmdir")));
                assertTrue(listed.getMessage().startsWith("attach program count_multi (kprobe.multi) to kprobe.multi do_unlinkat,do_rmdir: "),
                        listed.getMessage());
            }
            assertThrows(IllegalArgumentException.class, () -> multi.attachKprobeMulti(false, java.util.List.of()));
        }
    }

    @Test
    void freplaceTargetsAFunctionOfAnotherLoadedProgram() {
        try (BpfObject target = Fixtures.open("freplace_target"); BpfObject replacing = Fixtures.open("freplace")) {
            BpfProgram replacement = replacing.program("replacement");
            IllegalStateException unloaded = assertThrows(IllegalStateException.class,
                    () -> replacement.attachTarget(target.program("call_adjust"), "adjust"));
            assertTrue(unloaded.getMessage().contains("not loaded"), unloaded.getMessage());
            target.load();
            replacement.attachTarget(target.program("call_adjust"), "adjust");
            if (BpfFeatures.programType(ProgramType.EXT)) {
                replacing.load();
                replacement.attach().close();
                return;
            }
            // This kernel refuses freplace (EXT) programs: the load says so and names the program.
            BpfException refused = assertThrows(BpfException.class, replacing::load);
            assertEquals("EPERM", refused.errnoName(), refused.getMessage());
            assertTrue(refused.getMessage().contains("program replacement (freplace) is a freplace program and this kernel refused it"),
                    refused.getMessage());
        }
    }
}
