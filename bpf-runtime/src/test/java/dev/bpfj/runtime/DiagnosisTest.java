package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.runtime.internal.libbpf.Environment;
import dev.bpfj.test.KernelTest;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failures are explained by what actually went wrong, with libbpf's own words kept. */
class DiagnosisTest {

    /** The uid of "nobody", which tracefs (mode 0700, root's) does not admit. */
    private static final int NOBODY = 65534;

    @TempDir
    Path dir;

    @Test
    void mountinfoTellsWhereTracefsIs() {
        assertEquals(Path.of("/sys/kernel/tracing"), Environment.tracefsMount(List.of(
                "22 1 0:21 / /proc rw,nosuid - proc proc rw",
                "45 23 0:13 / /sys/kernel/tracing rw,relatime - tracefs tracefs rw,mode=700")));
        assertEquals(Path.of("/sys/kernel/debug/tracing"), Environment.tracefsMount(List.of(
                "30 23 0:7 / /sys/kernel/debug rw,relatime shared:12 - debugfs debugfs rw")));
        assertEquals(Path.of("/mnt/my trace"), Environment.tracefsMount(List.of(
                "90 23 0:13 / /mnt/my\\040trace rw - tracefs nodev rw")));
        assertNull(Environment.tracefsMount(List.of("22 1 0:21 / /proc rw,nosuid - proc proc rw")));
    }

    @Test
    void refusedBeforeVerifyingIsNotAVerifierVerdict() {
        assertTrue(BpfObject.refusedBeforeVerifying(""));
        assertTrue(BpfObject.refusedBeforeVerifying("processed 0 insns (limit 1000000) max_states_per_insn 0"));
        assertFalse(BpfObject.refusedBeforeVerifying("0: R1=ctx() R10=fp0\n; *value += 1\nR0 invalid mem access 'map_value_or_null'\n"
                + "processed 4 insns (limit 1000000)"));
        assertTrue(BpfObject.externHint("libbpf: failed to find BTF for extern 'foo' [9] section: -2").contains("'foo'"));
        assertTrue(BpfObject.externHint("extern (func ksym) 'bar': not found in kernel or module BTFs").contains("'bar'"));
        assertNull(BpfObject.externHint("libbpf: elf: endianness mismatch"));
    }

    @Test
    @KernelTest(needs = KernelTest.Facility.TRACEFS)
    void tracePipeOpenedWithoutPermissionSaysPermissionDeniedNotUnmounted() throws Exception {
        // The same path as root first: it works, and every class the other thread needs is loaded.
        TracePipe.open().close();
        assertExceptionsAreLoaded();
        Throwable failure = asNobody(TracePipe::open);
        BpfException e = assertInstanceOf(BpfException.class, failure);
        assertEquals("EACCES", e.errnoName(), e.getMessage());
        assertTrue(e.getMessage().contains("permission denied"), e.getMessage());
        assertTrue(e.getMessage().contains("CAP_SYS_ADMIN"), e.getMessage());
        assertTrue(e.getMessage().contains("mode 0700"), e.getMessage());
        assertFalse(e.getMessage().contains("not mounted"), e.getMessage());
    }

    @Test
    @KernelTest(needs = KernelTest.Facility.TRACEFS)
    void tracePipeFileWithoutPermissionSaysPermissionDenied() throws Exception {
        // A FIFO like trace_pipe itself (epoll cannot wait on a regular file), readable by root only.
        Path pipe = dir.resolve("trace_pipe");
        assertEquals(0, new ProcessBuilder("mkfifo", "-m", "0600", pipe.toString()).inheritIO().start().waitFor());
        Files.setPosixFilePermissions(pipe, PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        TracePipe.open(pipe).close();
        assertExceptionsAreLoaded();
        BpfException e = assertInstanceOf(BpfException.class, asNobody(() -> TracePipe.open(pipe)));
        assertEquals("EACCES", e.errnoName(), e.getMessage());
        assertTrue(e.getMessage().contains("permission denied"), e.getMessage());
        assertFalse(e.getMessage().contains("not mounted"), e.getMessage());
        BpfException missing = assertThrows(BpfException.class, () -> TracePipe.open(dir.resolve("missing")));
        assertEquals("ENOENT", missing.errnoName());
    }

    @Test
    @KernelTest(needs = {KernelTest.Facility.CLANG, KernelTest.Facility.TRACEFS})
    void tracepointAttachWithoutTracefsPermissionSaysPermissionDenied() throws Exception {
        try (BpfObject object = Fixtures.open("counter")) {
            object.load();
            BpfProgram program = object.program("count_openat");
            assertExceptionsAreLoaded();
            Throwable failure = asNobody(() -> program.attachTracepoint("syscalls", "sys_enter_openat"));
            BpfException e = assertInstanceOf(BpfException.class, failure);
            assertTrue(e.getMessage().startsWith("attach program count_openat"), e.getMessage());
            assertTrue(e.getMessage().contains("permission denied"), e.getMessage());
            assertFalse(e.getMessage().contains("not mounted"), e.getMessage());
            Throwable auto = asNobody(program::attach);
            assertTrue(auto.getMessage().contains("permission denied"), auto.getMessage());
        }
    }

    @Test
    @KernelTest(needs = KernelTest.Facility.CLANG)
    void unresolvedExternIsNamedAtOpen() {
        BpfException e = assertThrows(BpfException.class, () -> Fixtures.open("extern_var"));
        assertTrue(e.getMessage().contains("extern 'bpfj_undefined_setting'"), e.getMessage());
        assertFalse(e.getMessage().contains("is it a BPF ELF object"), e.getMessage());
        BpfException function = assertThrows(BpfException.class, () -> BpfObject.open(Fixtures.bytes("extern_func")));
        assertTrue(function.getMessage().contains("extern 'bpfj_helper_elsewhere'"), function.getMessage());
        assertFalse(function.getMessage().contains("is it a BPF ELF object"), function.getMessage());
    }

    @Test
    @KernelTest(needs = KernelTest.Facility.CLANG)
    void kfuncMissingFromTheKernelIsNamedAtLoad() {
        try (BpfObject object = Fixtures.open("extern_ksym")) {
            BpfException e = assertThrows(BpfException.class, object::load);
            assertTrue(e.hint() != null && e.hint().contains("extern 'bpfj_no_such_kfunc'"), e.getMessage());
        }
    }

    @Test
    @KernelTest(needs = KernelTest.Facility.CLANG)
    void soleFunctionWithoutSectionIsExplainedWhereLibbpfTakesItForAProgram() {
        try (BpfObject object = Fixtures.open("text_only")) {
            boolean takenForAProgram = object.programs().stream().anyMatch(p -> p.name().equals("add_pair"));
            if (!takenForAProgram) {
                // libbpf 1.5 and newer: a subprogram, not a program; the object loads with no program.
                object.load();
                return;
            }
            BpfException e = assertThrows(BpfException.class, object::load);
            assertTrue(e.getMessage().startsWith("load object text_only: "), e.getMessage());
            assertTrue(e.hint() != null && e.hint().startsWith("function add_pair is the object's only function and has no SEC()"),
                    e.getMessage());
        }
    }

    @Test
    @KernelTest(needs = KernelTest.Facility.CLANG)
    void hooksMissingFromTheKernelAreNamedAtAttach() {
        try (BpfObject object = Fixtures.open("missing_targets")) {
            object.program("on_missing_tracepoint").autoload(false);
            object.load();
            BpfException tracepoint = assertThrows(BpfException.class, () -> object.program("on_missing_syscall").attach());
            assertTrue(tracepoint.getMessage().startsWith("attach program on_missing_syscall (tp/syscalls/sys_enter_bpfj_no_such_call)"),
                    tracepoint.getMessage());
            assertTrue(tracepoint.hint() != null
                    && tracepoint.hint().startsWith("this kernel has no tracepoint syscalls/sys_enter_bpfj_no_such_call"),
                    tracepoint.getMessage());
            boolean kprobes = java.nio.file.Files.exists(java.nio.file.Path.of("/sys/kernel/tracing/kprobe_events"));
            BpfProgram kprobe = object.program("on_unlink");
            if (kprobes) {
                // A kernel with kprobes: the section's function is there; a made-up one is named.
                kprobe.attach().close();
                BpfException missing = assertThrows(BpfException.class, () -> kprobe.attachKprobe(false, "bpfj_no_such_function"));
                assertTrue(missing.hint().startsWith("no kernel function bpfj_no_such_function can be probed"), missing.getMessage());
            } else {
                // No CONFIG_KPROBES (this project's CI kernel): both ways say so, not that the function is missing.
                BpfException auto = assertThrows(BpfException.class, kprobe::attach);
                assertTrue(auto.hint() != null && auto.hint().startsWith("this kernel cannot attach kprobes"), auto.getMessage());
                BpfException direct = assertThrows(BpfException.class, () -> kprobe.attachKprobe(false, "do_unlinkat"));
                assertTrue(direct.hint().startsWith("this kernel cannot attach kprobes"), direct.getMessage());
            }
        }
    }

    @Test
    @KernelTest(needs = KernelTest.Facility.CLANG)
    void kernelSymbolMissingFromKallsymsIsNamedAtLoad() {
        try (BpfObject object = Fixtures.open("extern_kallsyms")) {
            BpfException e = assertThrows(BpfException.class, object::load);
            assertTrue(e.getMessage().startsWith("load object extern_kallsyms: "), e.getMessage());
            assertTrue(e.hint() != null && e.hint().contains("extern 'bpfj_no_such_kernel_symbol'")
                    && e.hint().contains("/proc/kallsyms") && e.hint().contains("__weak"), e.getMessage());
        }
    }

    @Test
    @KernelTest(needs = KernelTest.Facility.CLANG)
    void attachTargetMissingFromTheKernelNamesProgramTargetAndFix() {
        try (BpfObject object = Fixtures.open("missing_targets")) {
            BpfException e = assertThrows(BpfException.class, object::load);
            assertEquals("ESRCH", e.errnoName(), e.getMessage());
            assertTrue(e.getMessage().startsWith("load program on_missing_tracepoint (tp_btf/bpfj_no_such_tracepoint)"
                    + " of object missing_targets: "), e.getMessage());
            assertTrue(e.hint() != null && e.hint().startsWith("the kernel's BTF has no tracepoint bpfj_no_such_tracepoint,"),
                    e.getMessage());
            assertTrue(e.hint().contains("progs().onMissingTracepoint().attachTarget(...)"), e.hint());
        }
        // The fix the message names works: the same program with a target this kernel has loads.
        try (BpfObject object = Fixtures.open("missing_targets")) {
            object.program("on_missing_tracepoint").attachTarget("sys_enter");
            object.load();
        }
    }

    @Test
    @KernelTest(needs = KernelTest.Facility.CLANG)
    void programRefusedBeforeVerificationIsNotCalledAVerifierRejection() {
        // This kernel has no BPF trampolines: it turns fentry programs down with EPERM before verifying.
        try (BpfObject object = Fixtures.open("fentry")) {
            BpfException e = assertThrows(BpfException.class, object::load);
            assertFalse(e instanceof VerifierException, e.getMessage());
            assertFalse(e.getMessage().contains("the verifier rejected it"), e.getMessage());
            assertEquals("EPERM", e.errnoName());
            assertTrue(e.getMessage().startsWith("load program on_openat2 (fentry/do_sys_openat2) of object fentry"),
                    e.getMessage());
            assertTrue(e.hint().contains("before verifying"), e.hint());
            assertTrue(e.hint().contains("trampolines"), e.hint());
            // libbpf's own lines are kept.
            assertTrue(e.getMessage().contains("BPF program load failed"), e.getMessage());
        }
    }

    @Test
    @KernelTest(needs = KernelTest.Facility.CLANG)
    void realVerifierRejectionsStayVerifierExceptions() {
        try (BpfObject object = Fixtures.open("rejected")) {
            VerifierException e = assertThrows(VerifierException.class, object::load);
            assertFalse(e.log().isBlank());
        }
    }

    @Test
    @KernelTest(needs = KernelTest.Facility.CLANG)
    void attachFailingWithEinvalCarriesLibbpfsReason() {
        try (BpfObject object = Fixtures.open("counter")) {
            object.load();
            BpfException e = assertThrows(BpfException.class,
                    () -> object.program("count_openat").attachRawTracepoint("sys_enter"));
            assertEquals("EINVAL", e.errnoName());
            assertNotNull(e.hint(), e.getMessage());
            assertTrue(e.hint().contains("TRACEPOINT program"), e.getMessage());
            assertTrue(e.getMessage().contains("failed to attach to raw tracepoint 'sys_enter'"), e.getMessage());
        }
    }

    private static void assertExceptionsAreLoaded() {
        // Classes come from jars "nobody" may not read: load them while still root.
        new BpfException("x", null, 13, null).getMessage();
        new IllegalStateException().getStackTrace();
    }

    /**
     * Runs {@code action} on a new platform thread whose effective uid and gid are "nobody"
     * (credentials are per thread in Linux: the raw system call changes only this one, and the
     * saved uid 0 would let it change back), and returns what it threw.
     */
    private static Throwable asNobody(Runnable action) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().unstarted(() -> {
            try {
                setEffectiveIds(NOBODY);
                action.run();
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        thread.start();
        thread.join();
        return thrown.get();
    }

    private static void setEffectiveIds(int id) {
        boolean x86 = "amd64".equals(System.getProperty("os.arch"));
        long setresgid = x86 ? 119 : 149;
        long setresuid = x86 ? 117 : 147;
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle syscall = linker.downcallHandle(linker.defaultLookup().find("syscall").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
                    Linker.Option.firstVariadicArg(1));
            long gid = (long) syscall.invokeExact(setresgid, -1, id, -1);
            long uid = (long) syscall.invokeExact(setresuid, -1, id, -1);
            if (gid != 0 || uid != 0) {
                throw new IllegalStateException("setresuid/setresgid failed");
            }
        } catch (Throwable t) {
            throw new IllegalStateException("cannot switch this thread to uid " + id, t);
        }
    }
}
