package dev.bpfj.junit;

import static dev.bpfj.junit.BpfAssertions.assertCounter;
import static dev.bpfj.junit.BpfAssertions.assertEmpty;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.runtime.BpfObject;
import dev.bpfj.runtime.Codec;
import dev.bpfj.runtime.TestRunRequest;
import dev.bpfj.runtime.TestRunResult;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The extension on a real XDP program: verdicts, the rewritten packet, per-CPU counters, ring buffer records. */
@BpfTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class XdpFirewallTest {

    static final int XDP_DROP = 1;
    static final int XDP_PASS = 2;
    static final int PASSED = 0;
    static final int DROPPED = 1;
    static final int NOT_IP = 2;

    /** Loaded once for the class; maps emptied and links detached after every test. */
    @LoadBpf(resource = "xdp_firewall.bpf.o", resetMaps = true)
    static BpfObject firewall;

    @Test
    @Order(1)
    void passesAndDecrementsTheTtl() {
        byte[] frame = Packet.ethernet().ipv4("10.0.0.2", "10.0.0.1").ttl(64).udp(40000, 53).payload(new byte[] {1, 2, 3}).build();
        TestRunResult result = firewall.program("xdp_firewall").testRun(TestRunRequest.ofData(frame));

        assertEquals(XdpAction.PASS, XdpAction.of(result.returnValue()));
        PacketView out = PacketView.of(result.data());
        assertEquals(63, out.ttl());
        assertTrue(out.checksumsValid(), "the program kept the IPv4 checksum right: " + out);
        assertEquals(53, out.destinationPort());
        assertCounter(1, firewall.map("stats"), PASSED);
        assertCounter(0, firewall.map("stats"), DROPPED);
    }

    @Test
    @Order(2)
    void dropsABlockedPortAndReportsIt() {
        // Runs after the first test: the counters start from zero again (resetMaps).
        assertCounter(0, firewall.map("stats"), PASSED);
        firewall.map("blocked_ports").typed(Codec.INT16, Codec.INT8).put((short) 53, (byte) 1);
        byte[] frame = Packet.ethernet().vlan(100).ipv4("10.0.0.2", "10.0.0.1").udp(40000, 53).build();

        try (RingRecorder drops = RingRecorder.of(firewall.map("drops"))) {
            assertEquals(XDP_DROP, firewall.program("xdp_firewall").testRun(TestRunRequest.ofData(frame)).returnValue());
            List<ByteBuffer> records = drops.buffers();
            assertEquals(1, records.size());
            assertEquals(Packet.IPPROTO_UDP, records.get(0).getInt(0));
            assertEquals(53, records.get(0).getShort(4));
            assertEquals(100, records.get(0).getShort(6));
        }
        assertCounter(1, firewall.map("stats"), DROPPED);
        assertCounter(0, firewall.map("stats"), PASSED);
    }

    @Test
    @Order(3)
    void blockedPortsWereResetToo() {
        assertEmpty(firewall.map("blocked_ports"));
        byte[] frame = Packet.ethernet().ipv6("fd00::2", "fd00::1").tcp(40000, 53, Packet.TCP_SYN).build();
        assertEquals(XDP_PASS, firewall.program("xdp_firewall").testRun(TestRunRequest.ofData(frame)).returnValue());
    }

    @Test
    @Order(4)
    void ipv6TcpAndNonIp(@LoadBpf(resource = "/dev/bpfj/junit/xdp_firewall.bpf.o") BpfObject own) {
        // A parameter gets its own object for this test only.
        own.map("blocked_ports").typed(Codec.INT16, Codec.INT8).put((short) 443, (byte) 1);
        byte[] tcp = Packet.ethernet().ipv6("fd00::2", "fd00::1").tcp(40000, 443, Packet.TCP_SYN).build();
        assertEquals(XDP_DROP, own.program("xdp_firewall").testRun(TestRunRequest.ofData(tcp)).returnValue());
        byte[] arp = Packet.ethernet("02:00:00:00:00:01", "ff:ff:ff:ff:ff:ff").etherType(Packet.ETH_P_ARP)
                .payload(new byte[28]).build();
        assertEquals(XDP_PASS, own.program("xdp_firewall").testRun(TestRunRequest.ofData(arp)).returnValue());
        assertCounter(1, own.map("stats"), DROPPED);
        assertCounter(1, own.map("stats"), NOT_IP);
        assertCounter(0, firewall.map("stats"), DROPPED);
    }
}
