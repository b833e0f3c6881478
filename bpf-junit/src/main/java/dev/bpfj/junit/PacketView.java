package dev.bpfj.junit;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads an Ethernet frame a program wrote back ({@link dev.bpfj.runtime.TestRunResult#data()}):
 * MAC addresses, VLAN tags, IPv4/IPv6 header fields, TCP/UDP ports and flags, ICMP type, payload,
 * and whether every checksum still holds, so that a test can assert what a rewrite changed.
 * Fields of layers the frame does not have read as -1 (numbers) or null.
 */
public final class PacketView {

    private final byte[] bytes;
    private final List<Integer> vlanIds = new ArrayList<>();
    private int etherType;
    private int networkOffset = -1;
    private int ipVersion;
    private int protocol = -1;
    private int transportOffset = -1;
    private int end;

    private PacketView(byte[] bytes) {
        this.bytes = bytes;
        this.end = bytes.length;
        parse();
    }

    /** Parses {@code frame} (a copy is kept); truncated layers are simply absent. */
    public static PacketView of(byte[] frame) {
        return new PacketView(frame.clone());
    }

    private void parse() {
        if (bytes.length < 14) {
            etherType = -1;
            return;
        }
        int offset = 12;
        etherType = u16(offset);
        while ((etherType == Packet.ETH_P_8021Q || etherType == Packet.ETH_P_8021AD) && offset + 6 <= bytes.length) {
            vlanIds.add(u16(offset + 2) & 0xfff);
            offset += 4;
            etherType = offset + 2 <= bytes.length ? u16(offset) : -1;
        }
        offset += 2;
        if (etherType == Packet.ETH_P_IP && offset + 20 <= bytes.length) {
            int headerLength = (bytes[offset] & 0x0f) * 4;
            ipVersion = 4;
            networkOffset = offset;
            protocol = bytes[offset + 9] & 0xff;
            end = Math.min(bytes.length, offset + u16(offset + 2));
            transportOffset = offset + headerLength;
        } else if (etherType == Packet.ETH_P_IPV6 && offset + 40 <= bytes.length) {
            ipVersion = 6;
            networkOffset = offset;
            protocol = bytes[offset + 6] & 0xff;
            end = Math.min(bytes.length, offset + 40 + u16(offset + 4));
            transportOffset = offset + 40;
        } else {
            transportOffset = offset;
        }
    }

    /** The whole frame. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The frame's length in bytes. */
    public int length() {
        return bytes.length;
    }

    /** The destination MAC as {@code aa:bb:cc:dd:ee:ff}, or null for a frame shorter than 14 bytes. */
    public String destinationMac() {
        return bytes.length < 14 ? null : mac(0);
    }

    /** The source MAC as {@code aa:bb:cc:dd:ee:ff}, or null for a frame shorter than 14 bytes. */
    public String sourceMac() {
        return bytes.length < 14 ? null : mac(6);
    }

    /** The VLAN ids of the tags, outermost first; empty without tags. */
    public List<Integer> vlanIds() {
        return List.copyOf(vlanIds);
    }

    /** The EtherType after any VLAN tags, or -1. */
    public int etherType() {
        return etherType;
    }

    /** 4, 6, or 0 without an IP header. */
    public int ipVersion() {
        return ipVersion;
    }

    /** The IP source address in its usual text form, or null. */
    public String ipSource() {
        return ipVersion == 4 ? address(networkOffset + 12, 4) : ipVersion == 6 ? address(networkOffset + 8, 16) : null;
    }

    /** The IP destination address in its usual text form, or null. */
    public String ipDestination() {
        return ipVersion == 4 ? address(networkOffset + 16, 4) : ipVersion == 6 ? address(networkOffset + 24, 16) : null;
    }

    /** The IPv4 TTL or IPv6 hop limit, or -1. */
    public int ttl() {
        return ipVersion == 4 ? bytes[networkOffset + 8] & 0xff : ipVersion == 6 ? bytes[networkOffset + 7] & 0xff : -1;
    }

    /** The IP protocol / IPv6 next header, or -1. */
    public int protocol() {
        return protocol;
    }

    /** The TCP/UDP source port, or -1. */
    public int sourcePort() {
        return hasPorts() ? u16(transportOffset) : -1;
    }

    /** The TCP/UDP destination port, or -1. */
    public int destinationPort() {
        return hasPorts() ? u16(transportOffset + 2) : -1;
    }

    /** The TCP flags byte, or -1. */
    public int tcpFlags() {
        return protocol == Packet.IPPROTO_TCP && transportOffset + 20 <= end ? bytes[transportOffset + 13] & 0xff : -1;
    }

    /** The ICMP / ICMPv6 type, or -1. */
    public int icmpType() {
        return (protocol == Packet.IPPROTO_ICMP || protocol == Packet.IPPROTO_ICMPV6) && transportOffset + 8 <= end
                ? bytes[transportOffset] & 0xff : -1;
    }

    /** The bytes after the last header this view understands. */
    public byte[] payload() {
        int start = transportOffset + switch (protocol) {
            case Packet.IPPROTO_UDP, Packet.IPPROTO_ICMP, Packet.IPPROTO_ICMPV6 -> 8;
            case Packet.IPPROTO_TCP -> transportOffset + 13 <= end ? (bytes[transportOffset + 12] >> 4 & 0xf) * 4 : 20;
            default -> 0;
        };
        return start >= end ? new byte[0] : Arrays.copyOfRange(bytes, start, end);
    }

    /**
     * Whether the IPv4 header checksum and the TCP/UDP/ICMP/ICMPv6 checksum are correct (a UDP
     * checksum of 0, "none", counts as correct); true for frames without these layers.
     */
    public boolean checksumsValid() {
        if (ipVersion == 4 && Checksums.internet(bytes, networkOffset, transportOffset - networkOffset, 0) != 0) {
            return false;
        }
        if (ipVersion == 0 || transportOffset >= end) {
            return true;
        }
        int length = end - transportOffset;
        if (protocol == Packet.IPPROTO_UDP && length >= 8 && u16(transportOffset + 6) == 0) {
            return true;
        }
        long pseudo = 0;
        if (protocol != Packet.IPPROTO_ICMP) {
            int addressLength = ipVersion == 4 ? 4 : 16;
            int sourceOffset = networkOffset + (ipVersion == 4 ? 12 : 8);
            pseudo = Checksums.pseudoHeader(Arrays.copyOfRange(bytes, sourceOffset, sourceOffset + addressLength),
                    Arrays.copyOfRange(bytes, sourceOffset + addressLength, sourceOffset + 2 * addressLength), protocol, length);
        }
        if (protocol == Packet.IPPROTO_UDP || protocol == Packet.IPPROTO_TCP || protocol == Packet.IPPROTO_ICMP
                || protocol == Packet.IPPROTO_ICMPV6) {
            return Checksums.internet(bytes, transportOffset, length, pseudo) == 0;
        }
        return true;
    }

    private boolean hasPorts() {
        return (protocol == Packet.IPPROTO_TCP || protocol == Packet.IPPROTO_UDP) && transportOffset + 4 <= end;
    }

    private int u16(int offset) {
        return (bytes[offset] & 0xff) << 8 | bytes[offset + 1] & 0xff;
    }

    private String mac(int offset) {
        return HexFormat.ofDelimiter(":").formatHex(bytes, offset, offset + 6);
    }

    private String address(int offset, int length) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(bytes, offset, offset + length)).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "PacketView[" + sourceMac() + " > " + destinationMac() + (vlanIds.isEmpty() ? "" : " vlan " + vlanIds)
                + (ipVersion == 0 ? " ethertype 0x" + Integer.toHexString(etherType)
                : " " + ipSource() + " > " + ipDestination() + " proto " + protocol)
                + (hasPorts() ? " ports " + sourcePort() + " > " + destinationPort() : "") + ", " + bytes.length + " bytes]";
    }
}
