package dev.bpfj.examples.pktcount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.bpfj.test.KernelTest;
import dev.bpfj.test.OldJava;
import dev.bpfj.test.VethPair;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the packaged {@code pktcount.jar} as a user does, on the host end of a veth pair whose
 * peer is in a network namespace of the test's own, sends known UDP traffic across and checks the
 * totals it prints when stopped (SIGTERM), plus its exit status for a missing interface and for a
 * process without privileges.
 */
@KernelTest
class PktcountIT {

    private static final long TIMEOUT_S = 60;
    private static final String PAYLOAD = "pktcount-it";
    /** Ethernet + IPv4 + UDP headers and the payload. */
    private static final long FRAME = 14 + 20 + 8 + PAYLOAD.length();

    @TempDir
    Path dir;

    private VethPair veth;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void createVeth() {
        veth = VethPair.create("kpkt");
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        try {
            for (Process process : started) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            veth.close();
        }
    }

    @Test
    void xdpCountsTheUdpItReceives() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(veth.hostAddress), 0))) {
            Process pktcount = start(veth.host);
            veth.sendFromPeer(receiver.getLocalPort(), PAYLOAD, 5);
            for (int i = 0; i < 5; i++) {
                receive(receiver); // delivered, so XDP has counted it
            }
            Map<String, long[]> totals = stop(pktcount, "xdp (default mode)");
            assertEquals(5, totals.get("udp")[0], () -> "udp packets in " + text(totals));
            assertEquals(5 * FRAME, totals.get("udp")[1]);
            // The peer asked for the host's address before its first datagram.
            assertTrue(totals.containsKey("arp") && totals.get("arp")[0] >= 1, () -> "no arp in " + text(totals));
        }
    }

    @Test
    void tcxEgressCountsTheUdpItSends() throws Exception {
        Process pktcount = start("--tc", "egress", veth.host);
        byte[] bytes = PAYLOAD.getBytes(StandardCharsets.US_ASCII);
        try (DatagramSocket sender = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(veth.hostAddress), 0))) {
            for (int i = 0; i < 3; i++) {
                sender.send(new DatagramPacket(bytes, bytes.length, InetAddress.getByName(veth.peerAddress), 9));
            }
        }
        // tc egress counts inside send(), or when the ARP reply releases the queued datagrams: wait for that.
        awaitNeighbour();
        Map<String, long[]> totals = stop(pktcount, "tcx egress");
        assertEquals(3, totals.get("udp")[0], () -> "udp packets in " + text(totals));
        assertEquals(3 * FRAME, totals.get("udp")[1]);
    }

    @Test
    void clsactIngressCountsAndRemovesItsQdisc() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(veth.hostAddress), 0))) {
            Process pktcount = start("--tc", "ingress", "--clsact", veth.host);
            assertTrue(VethPair.run("tc", "qdisc", "show", "dev", veth.host).contains("clsact"));
            veth.sendFromPeer(receiver.getLocalPort(), PAYLOAD, 4);
            for (int i = 0; i < 4; i++) {
                receive(receiver);
            }
            Map<String, long[]> totals = stop(pktcount, "tc ingress (clsact)");
            assertEquals(4, totals.get("udp")[0], () -> "udp packets in " + text(totals));
            assertFalse(VethPair.run("tc", "qdisc", "show", "dev", veth.host).contains("clsact"),
                    "pktcount left the clsact qdisc it created");
        }
    }

    @Test
    void aMissingInterfaceIsAClearFailure() throws Exception {
        Result result = runToEnd(List.of(), "bpfjnosuch0");
        assertEquals(1, result.status, result.stderr);
        assertEquals("pktcount: no network interface 'bpfjnosuch0' in this network namespace (see: ip link show)\n",
                result.stderr);
    }

    @Test
    void withoutPrivilegesItSaysWhatIsNeeded() throws Exception {
        // root without any capability: what a normal user gets
        Result result = runToEnd(List.of("setpriv", "--bounding-set=-all", "--inh-caps=-all"), "-d", "1", veth.host);
        assertEquals(1, result.status, result.stderr);
        assertTrue(result.stderr.startsWith("pktcount: load object pktcount: Operation not permitted (EPERM); needs root"),
                result.stderr);
    }

    // ------------------------------------------------------------------ helpers

    private Process start(String... args) throws Exception {
        Path out = dir.resolve("pktcount-" + started.size() + ".out");
        Path err = dir.resolve("pktcount-" + started.size() + ".err");
        List<String> command = new ArrayList<>(List.of(java(), "-jar", jar()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        started.add(process);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        while (!Files.readString(out).contains("Counting packets on")) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                fail("pktcount did not start:\n" + Files.readString(out) + Files.readString(err));
            }
            Thread.sleep(20);
        }
        return process;
    }

    /** Stops pktcount with SIGTERM and returns its totals by protocol: {packets, bytes}. */
    private Map<String, long[]> stop(Process process, String hook) throws Exception {
        int index = started.indexOf(process);
        process.destroy();
        assertTrue(process.waitFor(TIMEOUT_S, TimeUnit.SECONDS), "pktcount did not stop");
        String out = Files.readString(dir.resolve("pktcount-" + index + ".out"));
        String err = Files.readString(dir.resolve("pktcount-" + index + ".err"));
        assertEquals(0, process.exitValue(), err);
        List<String> lines = out.lines().toList();
        int total = lines.indexOf("Total on " + veth.host + ", " + hook + ":");
        assertTrue(total >= 0, "no totals in:\n" + out + err);
        assertEquals(List.of("PROTO", "PACKETS", "BYTES"), List.of(lines.get(total + 1).trim().split("\\s+")));
        Map<String, long[]> totals = new HashMap<>();
        for (String line : lines.subList(total + 2, lines.size())) {
            String[] fields = line.trim().split("\\s+");
            totals.put(fields[0], new long[] {Long.parseLong(fields[1]), Long.parseLong(fields[2])});
        }
        return totals;
    }

    private record Result(int status, String stdout, String stderr) {
    }

    private Result runToEnd(List<String> prefix, String... args) throws Exception {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(java(), "-jar", jar()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        started.add(process);
        process.getOutputStream().close();
        assertTrue(process.waitFor(TIMEOUT_S, TimeUnit.SECONDS), "pktcount did not finish");
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** Waits until the host has the peer's MAC address, so datagrams queued behind ARP have gone out. */
    private void awaitNeighbour() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        while (!VethPair.run("ip", "neigh", "show", "dev", veth.host, veth.peerAddress).contains("lladdr")) {
            if (System.nanoTime() > deadline) {
                fail("the host never learned the peer's address");
            }
            Thread.sleep(20);
        }
    }

    private static void receive(DatagramSocket socket) throws IOException {
        byte[] buffer = new byte[256];
        socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(TIMEOUT_S));
        socket.receive(new DatagramPacket(buffer, buffer.length));
    }

    private static String text(Map<String, long[]> totals) {
        StringBuilder text = new StringBuilder();
        totals.forEach((name, values) -> text.append(name).append('=').append(values[0]).append('/').append(values[1]).append(' '));
        return text.toString();
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElseThrow();
    }

    private static String jar() {
        return System.getProperty("example.jar", "target/pktcount.jar");
    }

    @Test
    void onAJavaOlderThan22TheJarSaysWhichJavaItNeeds() throws Exception {
        // The README's `java -jar examples/pktcount/target/pktcount.jar` on a machine whose default Java is older.
        OldJava.assertTheJarSaysWhichJavaItNeeds(Path.of(System.getProperty("example.jar", "target/pktcount.jar")), "pktcount");
    }
}
