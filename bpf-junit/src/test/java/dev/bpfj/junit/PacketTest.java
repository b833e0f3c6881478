package dev.bpfj.junit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Packet building and reading, without a kernel. */
class PacketTest {

    @Test
    void ipv4HeaderChecksumMatchesAKnownHeader() {
        // The classic example header 4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7 (UDP, 115 bytes).
        byte[] frame = Packet.ethernet().ipv4("192.168.0.1", "192.168.0.199").ipId(0).udp(1, 2)
                .payload(new byte[115 - 20 - 8]).build();
        assertEquals("45000073000040004011b861c0a80001c0a800c7",
                HexFormat.of().formatHex(Arrays.copyOfRange(frame, 14, 34)));
    }

    @Test
    void udpChecksumMatchesAHandComputedOne() {
        // 10.0.0.1 -> 10.0.0.2, 1234 -> 5678, payload "hi": pseudo 0a00+0001+0a00+0002+0011+000a,
        // UDP 04d2+162e+000a+6869; sum 0x141e+0x8373 = 0x9791 -> checksum 0x686e.
        byte[] frame = Packet.ethernet().ipv4("10.0.0.1", "10.0.0.2").udp(1234, 5678).payload("hi".getBytes()).build();
        assertEquals(0x68, frame[14 + 20 + 6] & 0xff);
        assertEquals(0x6e, frame[14 + 20 + 7] & 0xff);
    }

    @Test
    void everyKindRoundTripsWithValidChecksums() {
        List<byte[]> frames = List.of(
                Packet.ethernet().ipv4("10.1.2.3", "10.3.2.1").tcp(1000, 80, Packet.TCP_SYN | Packet.TCP_ACK).payload(new byte[7]).build(),
                Packet.ethernet().ipv4("10.1.2.3", "10.3.2.1").icmpEcho(7, 1).payload(new byte[5]).build(),
                Packet.ethernet().vlan(10).vlan(20).ipv6("fd00::1", "fd00::2").udp(53, 5353).payload(new byte[3]).build(),
                Packet.ethernet().ipv6("fd00::1", "fd00::2").icmpEcho(1, 2).build(),
                Packet.ethernet().ipv6("2001:db8::1", "2001:db8::2").tcp(1, 2, Packet.TCP_FIN).build());
        for (byte[] frame : frames) {
            PacketView view = PacketView.of(frame);
            assertTrue(view.checksumsValid(), view.toString());
        }
        PacketView tcp = PacketView.of(frames.get(0));
        assertEquals(4, tcp.ipVersion());
        assertEquals("10.1.2.3", tcp.ipSource());
        assertEquals(80, tcp.destinationPort());
        assertEquals(Packet.TCP_SYN | Packet.TCP_ACK, tcp.tcpFlags());
        assertEquals(7, tcp.payload().length);
        PacketView icmp = PacketView.of(frames.get(1));
        assertEquals(8, icmp.icmpType());
        PacketView qinq = PacketView.of(frames.get(2));
        assertEquals(List.of(10, 20), qinq.vlanIds());
        assertEquals(0x88, frames.get(2)[12] & 0xff, "outer tag is 802.1ad");
        assertEquals(6, qinq.ipVersion());
        assertEquals("fd00:0:0:0:0:0:0:2", qinq.ipDestination());
        assertEquals(5353, qinq.destinationPort());
        assertArrayEquals(new byte[3], qinq.payload());
        assertEquals(128, PacketView.of(frames.get(3)).icmpType());
    }

    @Test
    void aCorruptedByteBreaksTheChecksum() {
        byte[] frame = Packet.ethernet().ipv4("10.0.0.1", "10.0.0.2").udp(1, 2).payload(new byte[] {1, 2}).build();
        frame[frame.length - 1] ^= 0x40;
        assertFalse(PacketView.of(frame).checksumsValid());
        byte[] header = Packet.ethernet().ipv4("10.0.0.1", "10.0.0.2").udp(1, 2).build();
        header[14 + 8] = 1; // TTL changed without fixing the header checksum
        assertFalse(PacketView.of(header).checksumsValid());
    }

    @Test
    void badInputIsRejectedWithTheValue() {
        assertEquals("not a MAC address: \"02:00\" (expected like 02:00:00:00:00:01)",
                assertThrows(IllegalArgumentException.class, () -> Packet.ethernet("02:00", "02:00:00:00:00:01")).getMessage());
        assertEquals("not an IPv4 address literal: \"example.com\"",
                assertThrows(IllegalArgumentException.class, () -> Packet.ethernet().ipv4("example.com", "10.0.0.1")).getMessage());
        assertEquals("VLAN id must be between 0 and 4095, not 5000",
                assertThrows(IllegalArgumentException.class, () -> Packet.ethernet().vlan(5000)).getMessage());
        assertThrows(IllegalStateException.class, () -> Packet.ethernet().build());
    }

    @Test
    void actionsAndRawTracepointArguments() {
        assertEquals(XdpAction.TX, XdpAction.of(3));
        assertEquals(TcAction.REDIRECT, TcAction.of(7));
        assertEquals("9 is not an XDP action (0-4: ABORTED, DROP, PASS, TX, REDIRECT)",
                assertThrows(IllegalArgumentException.class, () -> XdpAction.of(9)).getMessage());
        assertEquals(16, RawTracepointArgs.of(1, 2).length);
        assertThrows(IllegalArgumentException.class, () -> RawTracepointArgs.of(new long[13]));
    }

    @Test
    void skBuffFieldsRoundTrip() {
        SkBuff skb = SkBuff.of(new SkBuff().mark(7).priority(3).cb(4, 99).toBytes());
        assertEquals(7, skb.mark());
        assertEquals(3, skb.priority());
        assertEquals(99, skb.cb(4));
        assertEquals(SkBuff.SIZE, skb.toBytes().length);
        assertThrows(IllegalArgumentException.class, () -> skb.cb(5));
    }
}
