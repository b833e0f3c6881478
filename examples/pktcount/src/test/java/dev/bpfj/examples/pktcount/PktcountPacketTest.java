package dev.bpfj.examples.pktcount;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.examples.pktcount.PktcountBpf.PktcountCounter.Snapshot;
import dev.bpfj.junit.BpfAssertions;
import dev.bpfj.junit.BpfTest;
import dev.bpfj.junit.LoadBpf;
import dev.bpfj.junit.Packet;
import dev.bpfj.junit.TcAction;
import dev.bpfj.junit.XdpAction;
import dev.bpfj.runtime.BpfException;
import dev.bpfj.runtime.BpfProgram;
import dev.bpfj.runtime.TestRunRequest;
import dev.bpfj.runtime.TestRunResult;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * pktcount's two BPF programs run packet by packet in the kernel ({@code BPF_PROG_TEST_RUN}, no
 * interface involved): every test hands a hand-built frame to the XDP and to the tc program and
 * checks the verdict, that the frame is left as it was, and the exact packets/bytes of every one of
 * the 258 slots of {@code counts} — the contract written at the top of {@code pktcount.bpf.c}.
 */
@BpfTest
class PktcountPacketTest {

    /** The counter slots of pktcount.h. */
    static final int ICMP = 1;
    static final int TCP = 6;
    static final int UDP = 17;
    static final int ICMPV6 = 58;
    static final int IPV6_HOP_BY_HOP = 0;
    static final int ARP = 256;
    static final int OTHER = 257;

    /** Loaded once for the class; after every test the counts array is zeroed again. */
    @LoadBpf(resetMaps = true)
    static PktcountBpf skel;

    /** The two programs and the only verdict each may give (the tool observes, it never changes traffic). */
    enum Hook {
        XDP {
            @Override
            BpfProgram program() {
                return skel.progs().pktcountXdp();
            }

            @Override
            Object verdict(int returnValue) {
                return XdpAction.of(returnValue);
            }

            @Override
            Object pass() {
                return XdpAction.PASS;
            }
        },
        TC {
            @Override
            BpfProgram program() {
                return skel.progs().pktcountTc();
            }

            @Override
            Object verdict(int returnValue) {
                return TcAction.of(returnValue);
            }

            @Override
            Object pass() {
                return TcAction.OK;
            }
        };

        abstract BpfProgram program();

        abstract Object verdict(int returnValue);

        abstract Object pass();

        /** Runs the program once on {@code frame}: it must let the frame pass, unchanged. */
        void send(byte[] frame) {
            TestRunResult result = program().testRun(TestRunRequest.ofData(frame));
            assertEquals(pass(), verdict(result.returnValue()), () -> name() + " verdict");
            assertArrayEquals(frame, result.data(), () -> name() + " changed the frame");
        }
    }

    @BeforeEach
    void countsStartAtZero() {
        // resetMaps zeroed what the previous test counted; a leftover would make every total wrong.
        assertCounts(Map.of());
    }

    @ParameterizedTest
    @EnumSource(Hook.class)
    void udpOverIpv4CountsTheWholeFrame(Hook hook) {
        byte[] frame = Packet.ethernet().ipv4("192.0.2.1", "192.0.2.2").udp(40000, 53).payload(bytes(5)).build();
        hook.send(frame);
        assertCounts(Map.of(UDP, new Snapshot(1, 14 + 20 + 8 + 5)));
    }

    @ParameterizedTest
    @EnumSource(Hook.class)
    void tcpOverIpv4(Hook hook) {
        hook.send(Packet.ethernet().ipv4("192.0.2.1", "192.0.2.2").tcp(40000, 443, Packet.TCP_SYN).build());
        hook.send(Packet.ethernet().ipv4("192.0.2.1", "192.0.2.2").tcp(40000, 443, Packet.TCP_ACK | Packet.TCP_PSH)
                .payload(bytes(100)).build());
        assertCounts(Map.of(TCP, new Snapshot(2, (14 + 20 + 20) + (14 + 20 + 20 + 100))));
    }

    @ParameterizedTest
    @EnumSource(Hook.class)
    void icmpOverIpv4(Hook hook) {
        hook.send(Packet.ethernet().ipv4("192.0.2.1", "192.0.2.2").icmpEcho(7, 1).payload(bytes(56)).build());
        assertCounts(Map.of(ICMP, new Snapshot(1, 14 + 20 + 8 + 56)));
    }

    @ParameterizedTest
    @EnumSource(Hook.class)
    void ipv6CountsByNextHeader(Hook hook) {
        hook.send(Packet.ethernet().ipv6("fd00::1", "fd00::2").udp(40000, 53).payload(bytes(3)).build());
        hook.send(Packet.ethernet().ipv6("fd00::1", "fd00::2").icmpEcho(7, 1).build());
        assertCounts(Map.of(
                UDP, new Snapshot(1, 14 + 40 + 8 + 3),
                ICMPV6, new Snapshot(1, 14 + 40 + 8)));
    }

    @ParameterizedTest
    @EnumSource(Hook.class)
    void ipv6ExtensionHeadersAreNotWalked(Hook hook) {
        // A hop-by-hop options header (8 bytes: next header UDP, length 0, PadN) before a UDP header:
        // documented to count under the first next header, 0, not under UDP.
        ByteBuffer extensionAndUdp = ByteBuffer.allocate(8 + 8)
                .put((byte) UDP).put((byte) 0).put((byte) 1).put((byte) 4).putInt(0)
                .putShort((short) 40000).putShort((short) 53).putShort((short) 8).putShort((short) 0);
        byte[] frame = Packet.ethernet().ipv6("fd00::1", "fd00::2").payload(extensionAndUdp.array()).build();
        frame[14 + 6] = IPV6_HOP_BY_HOP; // the IPv6 next header field
        hook.send(frame);
        assertCounts(Map.of(IPV6_HOP_BY_HOP, new Snapshot(1, 14 + 40 + 16)));
    }

    @ParameterizedTest
    @EnumSource(Hook.class)
    void arpHasItsOwnSlotAndPaddingIsCounted(Hook hook) {
        byte[] request = arpRequest();
        hook.send(request);
        // On the wire an ARP request is padded to Ethernet's 60-byte minimum: the hook sees, and counts, the padding.
        hook.send(Arrays.copyOf(request, 60));
        assertCounts(Map.of(ARP, new Snapshot(2, (14 + 28) + 60)));
    }

    @ParameterizedTest
    @EnumSource(Hook.class)
    void vlanTaggedFramesCountAsOther(Hook hook) {
        // Documented: the programs do not look inside 802.1Q/802.1ad tags, a tagged frame is "other".
        hook.send(Packet.ethernet().vlan(100).ipv4("192.0.2.1", "192.0.2.2").udp(40000, 53).build());
        hook.send(Packet.ethernet().vlan(100).vlan(200).ipv6("fd00::1", "fd00::2").tcp(1, 2, Packet.TCP_SYN).build());
        assertCounts(Map.of(OTHER, new Snapshot(2, (14 + 4 + 20 + 8) + (14 + 8 + 40 + 20))));
    }

    @ParameterizedTest
    @EnumSource(Hook.class)
    void nonIpEtherTypesCountAsOther(Hook hook) {
        hook.send(Packet.ethernet().etherType(0x88cc /* LLDP */).payload(bytes(46)).build());
        hook.send(Packet.ethernet().etherType(0x88b5 /* local experimental */).payload(bytes(1)).build());
        assertCounts(Map.of(OTHER, new Snapshot(2, (14 + 46) + (14 + 1))));
    }

    @Test
    void xdpCountsTruncatedIpHeadersAsOtherWithTheirRealLength() {
        byte[] udp4 = Packet.ethernet().ipv4("192.0.2.1", "192.0.2.2").udp(40000, 53).build();
        byte[] udp6 = Packet.ethernet().ipv6("fd00::1", "fd00::2").udp(40000, 53).build();
        Hook.XDP.send(Arrays.copyOf(udp4, 14));          // an Ethernet header saying IPv4, and nothing after it
        Hook.XDP.send(Arrays.copyOf(udp4, 14 + 19));     // one byte short of an IPv4 header
        Hook.XDP.send(Arrays.copyOf(udp6, 14 + 39));     // one byte short of an IPv6 header
        assertCounts(Map.of(OTHER, new Snapshot(3, 14 + (14 + 19) + (14 + 39))));
        // Exactly a header is enough: the protocol byte is inside it.
        Hook.XDP.send(Arrays.copyOf(udp4, 14 + 20));
        Hook.XDP.send(Arrays.copyOf(udp6, 14 + 40));
        assertCounts(Map.of(
                OTHER, new Snapshot(3, 14 + (14 + 19) + (14 + 39)),
                UDP, new Snapshot(2, (14 + 20) + (14 + 40))));
    }

    @Test
    void tcCountsTruncatedIpHeadersAsOtherWhereTheKernelRunsThem() {
        // An skb test run parses the IP header itself: recent kernels (6.18 here) refuse an IPv4/IPv6
        // frame without a whole IP header before the program runs. Where one runs, it counts as other.
        byte[] udp4 = Packet.ethernet().ipv4("192.0.2.1", "192.0.2.2").udp(40000, 53).build();
        byte[] udp6 = Packet.ethernet().ipv6("fd00::1", "fd00::2").udp(40000, 53).build();
        long packets = 0;
        long bytes = 0;
        for (byte[] frame : new byte[][] {Arrays.copyOf(udp4, 14), Arrays.copyOf(udp4, 14 + 19), Arrays.copyOf(udp6, 14 + 39)}) {
            try {
                Hook.TC.send(frame);
                packets++;
                bytes += frame.length;
            } catch (BpfException e) {
                assertEquals("EINVAL", e.errnoName(), e.getMessage());
            }
            assertCounts(packets == 0 ? Map.of() : Map.of(OTHER, new Snapshot(packets, bytes)));
        }
        Hook.TC.send(Arrays.copyOf(udp4, 14 + 20));
        Hook.TC.send(Arrays.copyOf(udp6, 14 + 40));
        Map<Integer, Snapshot> expected = new TreeMap<>(Map.of(UDP, new Snapshot(2, (14 + 20) + (14 + 40))));
        if (packets > 0) {
            expected.put(OTHER, new Snapshot(packets, bytes));
        }
        assertCounts(expected);
    }

    @ParameterizedTest
    @EnumSource(Hook.class)
    void aFrameOfOnlyAnEthernetHeaderCountsAsOther(Hook hook) {
        hook.send(Packet.ethernet().etherType(0x88b5 /* local experimental */).build());
        assertCounts(Map.of(OTHER, new Snapshot(1, 14)));
    }

    @ParameterizedTest
    @EnumSource(Hook.class)
    void aRuntShorterThanAnEthernetHeaderNeverReachesTheProgram(Hook hook) {
        // The kernel refuses to test-run a frame shorter than an Ethernet header, as no driver delivers one.
        BpfException e = assertThrows(BpfException.class, () -> hook.program().testRun(TestRunRequest.ofData(bytes(13))));
        assertEquals("EINVAL", e.errnoName(), e.getMessage());
        assertTrue(e.getMessage().contains(hook.program().name()), e.getMessage());
        assertCounts(Map.of());
    }

    @ParameterizedTest
    @EnumSource(Hook.class)
    void everyRunCounts(Hook hook) {
        byte[] frame = Packet.ethernet().ipv4("192.0.2.1", "192.0.2.2").udp(40000, 53).payload(bytes(18)).build();
        TestRunResult result = hook.program().testRun(TestRunRequest.builder().data(frame).repeat(1000).build());
        assertEquals(hook.pass(), hook.verdict(result.returnValue()));
        assertCounts(Map.of(UDP, new Snapshot(1000, 1000L * 60)));
    }

    @Test
    void bothProgramsCountIntoTheSameMap() {
        byte[] frame = Packet.ethernet().ipv4("192.0.2.1", "192.0.2.2").udp(40000, 53).build();
        Hook.XDP.send(frame);
        Hook.TC.send(frame);
        Hook.TC.send(arpRequest());
        assertCounts(Map.of(UDP, new Snapshot(2, 2 * 42), ARP, new Snapshot(1, 42)));
        // The typed map and the assertions of bpf-junit read the same thing.
        BpfAssertions.assertEntry(UDP, new Snapshot(2, 84), skel.maps().counts().typed());
    }

    /**
     * Asserts that the slots in {@code expected} hold exactly those counts and every other of the
     * 258 slots is zero.
     */
    static void assertCounts(Map<Integer, Snapshot> expected) {
        Map<Integer, Snapshot> nonZero = new TreeMap<>();
        int[] slots = {0};
        skel.maps().counts().forEach((slot, counter) -> {
            slots[0]++;
            if (counter.packets() != 0 || counter.byteCount() != 0) {
                nonZero.put(slot, counter);
            }
        });
        assertEquals(258, slots[0], "slots in the counts array");
        assertEquals(new TreeMap<>(expected), nonZero, "non-zero slots of counts (slot=packets/bytes)");
    }

    /** An ARP request (who has 192.0.2.2, tell 192.0.2.1): 14 + 28 bytes, no padding. */
    static byte[] arpRequest() {
        ByteBuffer arp = ByteBuffer.allocate(28)
                .putShort((short) 1).putShort((short) Packet.ETH_P_IP).put((byte) 6).put((byte) 4).putShort((short) 1)
                .put(new byte[] {2, 0, 0, 0, 0, 1}).put(new byte[] {(byte) 192, 0, 2, 1})
                .put(new byte[6]).put(new byte[] {(byte) 192, 0, 2, 2});
        return Packet.ethernet("02:00:00:00:00:01", "ff:ff:ff:ff:ff:ff").etherType(Packet.ETH_P_ARP).payload(arp.array()).build();
    }

    static byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }
}
