package dev.bpfj.toolchain.skeleton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.ClangFixtures;
import dev.bpfj.toolchain.object.BpfObjectSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Typed attach methods by section kind. The tracing kinds are compiled in the golden test
 * ({@code skel_kinds}); the networking kinds call runtime methods of another part of the project,
 * so their generated code is checked as text here.
 */
class AttachMethodsTest {

    @TempDir
    Path work;

    private String generate(String fixture) throws Exception {
        Path object = ClangFixtures.compile(Path.of("src/test/bpf", fixture), work.resolve("objects"));
        BpfObjectSpec spec = BpfObjectSpec.parse(fixture.replace(".bpf.c", ".bpf.o"), Files.readAllBytes(object));
        return new SkeletonGenerator().generate(spec, "dev.bpfj.kinds", List.of());
    }

    @Test
    void sectionKindsMapToTheAgreedRuntimeCalls() {
        assertEquals("attachXdp(interfaceName)", AttachMethods.kindOf("xdp").call());
        assertEquals("attachXdp(interfaceName)", AttachMethods.kindOf("xdp.frags").call());
        assertNull(AttachMethods.kindOf("xdp/devmap"), "devmap programs run from a map, not an interface");
        assertEquals("attachTcx(interfaceName, direction)", AttachMethods.kindOf("tcx/egress").call());
        assertEquals("attachCgroup(cgroupDirectory)", AttachMethods.kindOf("cgroup/sendmsg4").call());
        assertEquals("attachCgroup(cgroupDirectory)", AttachMethods.kindOf("sockops").call());
        assertEquals("attachNetns(netnsFile)", AttachMethods.kindOf("flow_dissector").call());
        assertEquals("attachSockMap(sockMap)", AttachMethods.kindOf("sk_skb/stream_verdict").call());
        assertEquals("iterate()", AttachMethods.kindOf("iter/bpf_map_elem").call());
        assertEquals("attachPerfEvent(spec)", AttachMethods.kindOf("perf_event").call());
        assertEquals("attachUsdt(pid, binary, provider, name)", AttachMethods.kindOf("usdt").call());
        assertEquals("attachUprobe(binary, options.returning())", AttachMethods.kindOf("uretprobe").call());
        assertEquals("attachUprobe(binary, options)", AttachMethods.kindOf("uprobe.s").call());
        assertEquals("attachKprobeMulti(true, pattern)", AttachMethods.kindOf("kretprobe.multi").call());
        assertEquals("attachUprobeMulti(false, pid, binary, functionPattern)", AttachMethods.kindOf("uprobe.multi").call());
        assertEquals("attachNetkit(interfaceName, dev.bpfj.runtime.NetkitSide.PEER)",
                AttachMethods.kindOf("netkit/peer").call());
        assertEquals("attachNetkit(interfaceName, dev.bpfj.runtime.NetkitSide.PRIMARY)",
                AttachMethods.kindOf("netkit/primary").call());
        assertEquals("attachNetfilter(family, hook, priority)", AttachMethods.kindOf("netfilter").call());
        // libbpf attaches these by itself: attach() covers them.
        assertNull(AttachMethods.kindOf("tp/syscalls/sys_enter_openat"));
        assertNull(AttachMethods.kindOf("fentry/do_unlinkat"));
        assertNull(AttachMethods.kindOf("raw_tp/sys_enter"));
    }

    @Test
    void networkingProgramsGetTypedMethods() throws Exception {
        String source = generate("skel_net_kinds.bpf.c");
        for (String expected : List.of(
                "public BpfLink attachCountPackets(String interfaceName)",
                "return links.put(\"count_packets\", object.program(\"count_packets\").attachXdp(interfaceName));",
                "public BpfLink attachTcIngress(String interfaceName, dev.bpfj.runtime.TcDirection direction)",
                ".attachTcx(interfaceName, direction));",
                "public BpfLink attachEgress(java.nio.file.Path cgroupDirectory)",
                "public BpfLink attachConnect4(java.nio.file.Path cgroupDirectory)",
                "public BpfLink attachFilter(int socketFd)",
                ".attachSocket(socketFd));",
                "public BpfLink attachLookup(java.nio.file.Path netnsFile)",
                "public BpfLink attachMsg(BpfMap sockMap)")) {
            assertTrue(source.contains(expected), "missing: " + expected);
        }
        assertTrue(source.contains("public List<String> attach()"), "attach() reports what it left");
    }

    @Test
    void tracingKindsAndStructOpsGetTypedMethods() throws Exception {
        String source = generate("skel_kinds.bpf.c");
        for (String expected : List.of(
                "public BpfLink attachOnSample(dev.bpfj.runtime.PerfEventSpec spec)",
                "public dev.bpfj.runtime.BpfIterator iterateDumpTasks()",
                "public BpfLink attachOnTick(int pid, java.nio.file.Path binary, String provider, String name)",
                "public BpfLink attachOnEntry(java.nio.file.Path binary, dev.bpfj.runtime.UprobeOptions options)",
                "object.program(\"on_return\").attachUprobe(binary, options.returning())",
                "public BpfLink attachOnMany(String pattern)",
                "public BpfLink registerKindsCc()")) {
            assertTrue(source.contains(expected), "missing: " + expected);
        }
        assertTrue(!source.contains("attachOnOpenat"), "libbpf attaches tp/syscalls/... itself");
    }
}
