package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Feature probes agree with what loading, creating and attaching really do on this kernel. */
@KernelTest(needs = KernelTest.Facility.CLANG)
class FeaturesTest {

    @Test
    void kernelBtfProbeMatchesTheFile() {
        assertEquals(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")), BpfFeatures.kernelBtf());
    }

    @Test
    void mapTypeProbesAgreeWithCreatingMaps() {
        for (MapType type : new MapType[] {MapType.RINGBUF, MapType.USER_RINGBUF, MapType.BLOOM_FILTER, MapType.QUEUE}) {
            boolean probed = BpfFeatures.mapType(type);
            boolean created;
            int keySize = type == MapType.RINGBUF || type == MapType.USER_RINGBUF || type == MapType.BLOOM_FILTER
                    || type == MapType.QUEUE ? 0 : 4;
            int valueSize = type == MapType.RINGBUF || type == MapType.USER_RINGBUF ? 0 : 8;
            try (BpfMap map = BpfMap.create(type, "bpfj_probe", keySize, valueSize, 4096)) {
                created = map.fd() >= 0;
            } catch (BpfException refused) {
                created = false;
            }
            assertEquals(created, probed, type + ": probe and creation agree");
        }
        assertTrue(BpfFeatures.mapType(MapType.RINGBUF), "this project needs ring buffers (Linux 5.8+)");
    }

    @Test
    void programTypeProbesAgreeWithLoading() {
        assertTrue(BpfFeatures.programType(ProgramType.PERF_EVENT));
        try (BpfObject object = Fixtures.open("perf_sample")) {
            object.load(); // a perf_event program loads, as probed
        }
        // fentry/fexit are TRACING programs: the probe predicts whether the kernel loads them.
        boolean tracing = BpfFeatures.programType(ProgramType.TRACING);
        try (BpfObject object = Fixtures.open("btf_targets")) {
            object.program("count_sys_enter").autoload(false);
            object.program("count_multi").autoload(false);
            if (tracing) {
                object.load();
            } else {
                BpfException refused = assertThrows(BpfException.class, object::load);
                assertEquals("EPERM", refused.errnoName(), refused.getMessage());
                assertTrue(refused.getMessage().contains("program count_unlinks (fentry/do_unlinkat) is a fentry/fexit/fmod_ret program and this kernel refused it"),
                        refused.getMessage());
            }
        }
        assertTrue(BpfFeatures.programType(ProgramType.TRACEPOINT));
        assertThrows(IllegalArgumentException.class, () -> BpfFeatures.programType(ProgramType.UNKNOWN));
    }

    @Test
    void helperProbesAgreeWithTheVerifier() {
        // counter.bpf.c calls bpf_get_current_pid_tgid from a tracepoint and loads; only kprobes may override returns.
        assertTrue(BpfFeatures.helper(ProgramType.TRACEPOINT, "bpf_get_current_pid_tgid"));
        assertTrue(BpfFeatures.helper(ProgramType.TRACEPOINT, 14 /* BPF_FUNC_get_current_pid_tgid */));
        assertFalse(BpfFeatures.helper(ProgramType.XDP, "override_return"));
        assertFalse(BpfFeatures.helper(ProgramType.SOCKET_FILTER, "bpf_probe_write_user"));
        assertFalse(BpfFeatures.helper(ProgramType.TRACEPOINT, "bpf_no_such_helper"));
        try (BpfObject object = Fixtures.open("counter")) {
            object.load();
        }
    }

    @Test
    void attachTypeProbesAgreeWithAttaching() throws Exception {
        // Iterators attach here (IteratorTest), and the kernel's BTF lists their attach type.
        assertTrue(BpfFeatures.attachType(AttachType.TRACE_ITER));
        try (BpfObject object = Fixtures.open("iter_task");
             BpfIterator tasks = loaded(object).program("list_tgids").iterate()) {
            assertTrue(tasks.readString().contains("tgid " + Fixtures.tgid()));
        }
        assertTrue(BpfFeatures.attachType(AttachType.PERF_EVENT));
        assertThrows(IllegalArgumentException.class, () -> BpfFeatures.attachType(AttachType.UNKNOWN));
        String report = BpfFeatures.report();
        assertTrue(report.contains("map_type ringbuf is available"), report);
        assertTrue(report.contains("attach_type trace_iter is available"), report);
    }

    @Test
    void netkitProbeAgreesWithCreatingADevice() throws Exception {
        String name = "bpfjnk" + (ProcessHandle.current().pid() % 100000);
        boolean created = run("ip", "link", "add", "name", name, "type", "netkit");
        try {
            assertEquals(created, BpfFeatures.netkitDevices(), "netkit probe vs `ip link add type netkit`");
        } finally {
            if (created) {
                run("ip", "link", "del", name);
            }
        }
    }

    private static BpfObject loaded(BpfObject object) {
        object.load();
        return object;
    }

    private static boolean run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor(20, TimeUnit.SECONDS) && process.exitValue() == 0;
    }
}
