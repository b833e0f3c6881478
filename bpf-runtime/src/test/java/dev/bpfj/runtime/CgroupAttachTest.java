package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * cgroup_skb egress and cgroup/connect4 programs on a fresh cgroup v2: a child process moves itself
 * into the cgroup and connects to local listeners; the programs count its connection and packets
 * and refuse its connection to the denied port, while the test JVM outside the cgroup is unaffected.
 */
@KernelTest(needs = KernelTest.Facility.CLANG)
class CgroupAttachTest {

    private Path cgroup;
    private BpfObject object;

    @BeforeEach
    void setUp() throws IOException {
        String mount = CgroupAttachment.cgroup2Mount();
        assertTrue(mount.startsWith("/"), "no cgroup v2 hierarchy is mounted: " + mount);
        Path root = Path.of(mount);
        cgroup = Files.createDirectory(root.resolve("bpfj-net-" + ProcessHandle.current().pid() + "-"
                + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36)));
        object = Fixtures.open("net_cgroup");
        object.load();
    }

    @AfterEach
    void tearDown() throws IOException {
        try {
            if (object != null) {
                object.close();
            }
        } finally {
            if (cgroup != null) {
                Files.deleteIfExists(cgroup);
            }
        }
    }

    @Test
    void countsAndDeniesTheConnectionsOfAProcessInTheCgroup() throws Exception {
        GlobalData bss = object.globalData(".bss");
        try (ServerSocket watched = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                ServerSocket denied = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            bss.setInt(bss.offsetOf("watch_port"), watched.getLocalPort());
            bss.setInt(bss.offsetOf("deny_port"), denied.getLocalPort());
            long fdsBefore = Fixtures.openFds();
            object.program("count_egress").attachCgroup(cgroup).close();
            assertEquals(fdsBefore, Fixtures.openFds(), "the cgroup directory's fd leaked");
            BpfLink egress = object.program("count_egress").attachCgroup(cgroup);
            BpfLink connect = object.program("count_connect4").attachCgroup(cgroup);
            assertTrue(egress.fd() >= 0 && connect.fd() >= 0);

            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
                try (Socket peer = watched.accept(); InputStream in = peer.getInputStream()) {
                    return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                } catch (IOException e) {
                    return e.toString();
                }
            });
            String script = "echo $$ > " + cgroup.resolve("cgroup.procs") + " || exit 90\n"
                    + "exec 3<>/dev/tcp/127.0.0.1/" + watched.getLocalPort() + " || exit 91\n"
                    + "printf hello >&3\n"
                    + "exec 3>&-\n"
                    + "exec 4<>/dev/tcp/127.0.0.1/" + denied.getLocalPort() + " && exit 92\n"
                    + "exit 0\n";
            Process child = new ProcessBuilder("bash", "-c", script).start();
            child.getOutputStream().close();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not finish");
            String stderr = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, child.exitValue(), stderr);
            assertTrue(stderr.contains("Operation not permitted"), "the denied connect did not fail with EPERM: " + stderr);
            assertEquals("hello", received.get(30, TimeUnit.SECONDS));
            assertEquals(1, bss.getLong(bss.offsetOf("connects")));
            assertEquals(1, bss.getLong(bss.offsetOf("denied")));
            long packets = bss.getLong(bss.offsetOf("egress_packets"));
            assertTrue(packets >= 2, "cgroup_skb/egress saw " + packets + " packets, expected at least SYN and data");

            // This JVM is not in the cgroup: neither counted nor denied.
            try (Socket outside = new Socket()) {
                outside.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), denied.getLocalPort()), 10_000);
            }
            assertEquals(1, bss.getLong(bss.offsetOf("denied")));

            connect.close();
            egress.close();
            Process after = new ProcessBuilder("bash", "-c", "echo $$ > " + cgroup.resolve("cgroup.procs")
                    + " && exec 4<>/dev/tcp/127.0.0.1/" + denied.getLocalPort()).start();
            after.getOutputStream().close();
            assertTrue(after.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, after.exitValue(), new String(after.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            assertEquals(1, bss.getLong(bss.offsetOf("denied")));
        }
    }

    @Test
    void sockCreateSysctlDeviceAndSockopsProgramsActOnTheCgroupsProcesses() throws Exception {
        try (BpfObject more = Fixtures.open("net_cgroup_more");
                ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            more.load();
            GlobalData bss = more.globalData(".bss");
            List<BpfLink> links = new ArrayList<>();
            for (String program : List.of("deny_udp", "deny_sysctl_reads", "deny_dev_zero", "count_established")) {
                links.add(more.program(program).attachCgroup(cgroup));
            }
            CompletableFuture.runAsync(() -> {
                try (Socket peer = listener.accept()) {
                    peer.getInputStream().readAllBytes();
                } catch (IOException e) {
                    // the test fails on the counts instead
                }
            });
            String script = "echo $$ > " + cgroup.resolve("cgroup.procs") + " || exit 90\n"
                    + "exec 3<>/dev/tcp/127.0.0.1/" + listener.getLocalPort() + " || echo TCP-FAILED\n"
                    + "exec 3>&-\n"
                    + "(printf x > /dev/udp/127.0.0.1/9) 2>/dev/null || echo UDP-DENIED\n"
                    + "cat /proc/sys/kernel/ostype > /dev/null 2>&1 || echo SYSCTL-DENIED\n"
                    + "head -c 1 /dev/zero > /dev/null 2>&1 || echo DEV-DENIED\n";
            assertEquals(List.of("UDP-DENIED", "SYSCTL-DENIED", "DEV-DENIED"), runInCgroup(script));
            assertTrue(bss.getLong(bss.offsetOf("sockets_created")) >= 2);
            assertEquals(1, bss.getLong(bss.offsetOf("udp_denied")));
            assertTrue(bss.getLong(bss.offsetOf("sysctl_denied")) >= 1);
            assertTrue(bss.getLong(bss.offsetOf("dev_denied")) >= 1);
            assertEquals(1, bss.getLong(bss.offsetOf("tcp_established")));

            links.forEach(BpfLink::close);
            assertEquals(List.of(), runInCgroup(script.replace("/dev/tcp/127.0.0.1/" + listener.getLocalPort(), "/dev/null")));
            assertEquals(1, bss.getLong(bss.offsetOf("udp_denied")));
        }
    }

    private static List<String> runInCgroup(String script) throws Exception {
        Process child = new ProcessBuilder("bash", "-c", script).start();
        child.getOutputStream().close();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not finish");
        String stdout = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.exitValue(), stdout + new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        return stdout.lines().toList();
    }

    @Test
    void attachesByAnOpenCgroupFdToo() throws Exception {
        int fd;
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            fd = dev.bpfj.runtime.internal.libbpf.Libc.open(dev.bpfj.runtime.internal.libbpf.Native.captureSegment(arena),
                    arena.allocateFrom(cgroup.toString()), 0x10000 /* O_DIRECTORY */);
        }
        assertTrue(fd >= 0);
        try (ServerSocket denied = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            GlobalData bss = object.globalData(".bss");
            bss.setInt(bss.offsetOf("deny_port"), denied.getLocalPort());
            BpfLink link = object.program("count_connect4").attachCgroup(fd);
            List<String> out = runInCgroup("echo $$ > " + cgroup.resolve("cgroup.procs") + "\n"
                    + "(exec 4<>/dev/tcp/127.0.0.1/" + denied.getLocalPort() + ") 2>/dev/null || echo DENIED\n");
            assertEquals(List.of("DENIED"), out);
            link.close();
        } finally {
            try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                dev.bpfj.runtime.internal.libbpf.Libc.close(dev.bpfj.runtime.internal.libbpf.Native.captureSegment(arena), fd);
            }
        }
        BpfException closed = assertThrows(BpfException.class, () -> object.program("count_connect4").attachCgroup(999_999));
        assertTrue(closed.getMessage().startsWith("attach program count_connect4 (cgroup/connect4) to cgroup fd 999999: "
                + "Bad file descriptor (EBADF)"), closed.getMessage());
    }

    @Test
    void refusesWhatIsNotACgroupV2Directory() throws IOException {
        BpfProgram program = object.program("count_connect4");
        BpfException missing = assertThrows(BpfException.class, () -> program.attachCgroup(cgroup.resolve("no-such")));
        assertTrue(missing.getMessage().startsWith("attach program count_connect4 (cgroup/connect4) to cgroup "
                + cgroup.resolve("no-such") + ": No such file or directory (ENOENT); no such directory; cgroup v2 is mounted at "),
                missing.getMessage());

        BpfException notCgroup = assertThrows(BpfException.class, () -> program.attachCgroup(Path.of("/tmp")));
        assertTrue(notCgroup.getMessage().contains("/tmp is not a cgroup directory; cgroup v2 is mounted at "),
                notCgroup.getMessage());

        Path v1 = cgroupV1Directory();
        if (v1 != null) { // this machine has v1 controllers beside the v2 mount
            BpfException old = assertThrows(BpfException.class, () -> program.attachCgroup(v1));
            assertTrue(old.getMessage().contains(v1 + " is in a cgroup v1 hierarchy, and BPF cgroup programs need cgroup v2"),
                    old.getMessage());
        }
    }

    private static Path cgroupV1Directory() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            String[] fields = line.split(" ");
            if (fields.length > 2 && fields[2].equals("cgroup")) {
                return Path.of(fields[1]);
            }
        }
        return null;
    }
}
