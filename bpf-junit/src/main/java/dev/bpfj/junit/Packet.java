package dev.bpfj.junit;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Builds test packets for {@link dev.bpfj.runtime.BpfProgram#testRun}: an Ethernet frame with
 * optional 802.1Q/802.1ad VLAN tags, IPv4 or IPv6, and TCP, UDP or ICMP (ICMPv6 under IPv6), with
 * lengths and checksums (IPv4 header, TCP/UDP/ICMPv6 with the pseudo-header, ICMP) filled in:
 *
 * <pre>{@code
 * byte[] frame = Packet.ethernet("02:00:00:00:00:02", "02:00:00:00:00:01")
 *         .vlan(100)
 *         .ipv4("10.0.0.2", "10.0.0.1")
 *         .udp(40000, 53)
 *         .payload("hello".getBytes())
 *         .build();
 * }</pre>
 *
 * A builder is reusable: {@link #build()} may be called again after changing a field.
 */
public final class Packet {

    /** EtherType of IPv4. */
    public static final int ETH_P_IP = 0x0800;
    /** EtherType of IPv6. */
    public static final int ETH_P_IPV6 = 0x86dd;
    /** EtherType of ARP. */
    public static final int ETH_P_ARP = 0x0806;
    /** EtherType of an 802.1Q VLAN tag. */
    public static final int ETH_P_8021Q = 0x8100;
    /** EtherType of an 802.1ad (QinQ outer) VLAN tag. */
    public static final int ETH_P_8021AD = 0x88a8;
    /** IP protocol number of ICMP. */
    public static final int IPPROTO_ICMP = 1;
    /** IP protocol number of TCP. */
    public static final int IPPROTO_TCP = 6;
    /** IP protocol number of UDP. */
    public static final int IPPROTO_UDP = 17;
    /** IP protocol number of ICMPv6. */
    public static final int IPPROTO_ICMPV6 = 58;

    /** TCP flag FIN. */
    public static final int TCP_FIN = 0x01;
    /** TCP flag SYN. */
    public static final int TCP_SYN = 0x02;
    /** TCP flag RST. */
    public static final int TCP_RST = 0x04;
    /** TCP flag PSH. */
    public static final int TCP_PSH = 0x08;
    /** TCP flag ACK. */
    public static final int TCP_ACK = 0x10;

    private final byte[] source;
    private final byte[] destination;
    private final List<int[]> vlans = new ArrayList<>();
    private int etherType = -1;
    private byte[] ipSource;
    private byte[] ipDestination;
    private int ttl = 64;
    private int tos;
    private int ipId = 1;
    private int protocol = -1;
    private int sourcePort;
    private int destinationPort;
    private long sequence;
    private long acknowledgement;
    private int tcpFlags;
    private int window = 65535;
    private int icmpType;
    private int icmpCode;
    private int icmpId;
    private int icmpSequence;
    private byte[] payload = new byte[0];

    private Packet(byte[] source, byte[] destination) {
        this.source = source;
        this.destination = destination;
    }

    /**
     * Starts an Ethernet frame.
     *
     * @param sourceMac      like {@code "02:00:00:00:00:01"}
     * @param destinationMac like {@code "ff:ff:ff:ff:ff:ff"}
     */
    public static Packet ethernet(String sourceMac, String destinationMac) {
        return new Packet(mac(sourceMac), mac(destinationMac));
    }

    /** Starts an Ethernet frame between two fixed locally administered addresses (02:00:00:00:00:01 to …:02). */
    public static Packet ethernet() {
        return ethernet("02:00:00:00:00:01", "02:00:00:00:00:02");
    }

    /** Adds an 802.1Q VLAN tag (priority 0) with {@code vlanId}; call twice for QinQ (the first is outer, 802.1ad). */
    public Packet vlan(int vlanId) {
        return vlan(vlanId, 0);
    }

    /** Adds an 802.1Q VLAN tag with {@code vlanId} (0–4095) and {@code priority} (0–7). */
    public Packet vlan(int vlanId, int priority) {
        check(vlanId, 0, 4095, "VLAN id");
        check(priority, 0, 7, "VLAN priority");
        vlans.add(new int[] {vlanId, priority});
        return this;
    }

    /** Sets a raw EtherType and no IP layer (for ARP or anything else); the payload follows the Ethernet header. */
    public Packet etherType(int type) {
        check(type, 0, 0xffff, "EtherType");
        this.etherType = type;
        this.ipSource = null;
        return this;
    }

    /** An IPv4 header between two dotted-quad addresses. */
    public Packet ipv4(String sourceAddress, String destinationAddress) {
        this.ipSource = address(sourceAddress, Inet4Address.class);
        this.ipDestination = address(destinationAddress, Inet4Address.class);
        this.etherType = ETH_P_IP;
        return this;
    }

    /** An IPv6 header between two addresses like {@code "fd00::1"}. */
    public Packet ipv6(String sourceAddress, String destinationAddress) {
        this.ipSource = address(sourceAddress, Inet6Address.class);
        this.ipDestination = address(destinationAddress, Inet6Address.class);
        this.etherType = ETH_P_IPV6;
        return this;
    }

    /** The IPv4 TTL or IPv6 hop limit (default 64). */
    public Packet ttl(int ttl) {
        this.ttl = check(ttl, 0, 255, "TTL");
        return this;
    }

    /** The IPv4 TOS / IPv6 traffic class byte (default 0). */
    public Packet tos(int tos) {
        this.tos = check(tos, 0, 255, "TOS");
        return this;
    }

    /** The IPv4 identification field (default 1). */
    public Packet ipId(int id) {
        this.ipId = check(id, 0, 0xffff, "IP id");
        return this;
    }

    /** A UDP header. */
    public Packet udp(int sourcePort, int destinationPort) {
        ports(sourcePort, destinationPort);
        this.protocol = IPPROTO_UDP;
        return this;
    }

    /** A TCP header (20 bytes, no options) with the given {@code TCP_*} flags, sequence 1, ack 0. */
    public Packet tcp(int sourcePort, int destinationPort, int flags) {
        ports(sourcePort, destinationPort);
        this.tcpFlags = check(flags, 0, 0xff, "TCP flags");
        this.protocol = IPPROTO_TCP;
        this.sequence = 1;
        return this;
    }

    /** Sets the TCP sequence and acknowledgement numbers. */
    public Packet tcpSequence(long sequence, long acknowledgement) {
        this.sequence = sequence & 0xffffffffL;
        this.acknowledgement = acknowledgement & 0xffffffffL;
        return this;
    }

    /** Sets the TCP window (default 65535). */
    public Packet tcpWindow(int window) {
        this.window = check(window, 0, 0xffff, "TCP window");
        return this;
    }

    /** An ICMP echo request (ICMPv6 echo request under IPv6). */
    public Packet icmpEcho(int id, int sequence) {
        return icmp(-1, 0, id, sequence);
    }

    /**
     * An ICMP (or, under IPv6, ICMPv6) message of {@code type} and {@code code}; the 4 bytes after
     * the checksum carry {@code id} and {@code sequence}.
     */
    public Packet icmp(int type, int code, int id, int sequence) {
        this.icmpType = type;
        this.icmpCode = check(code, 0, 255, "ICMP code");
        this.icmpId = check(id, 0, 0xffff, "ICMP id");
        this.icmpSequence = check(sequence, 0, 0xffff, "ICMP sequence");
        this.protocol = IPPROTO_ICMP;
        return this;
    }

    /** The bytes after the last header (a copy is taken). */
    public Packet payload(byte[] payload) {
        this.payload = payload.clone();
        return this;
    }

    /** The frame: headers with lengths and checksums filled in, then the payload. */
    public byte[] build() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(destination);
        out.writeBytes(source);
        for (int i = 0; i < vlans.size(); i++) {
            int tpid = vlans.size() > 1 && i == 0 ? ETH_P_8021AD : ETH_P_8021Q;
            short16(out, tpid);
            short16(out, vlans.get(i)[1] << 13 | vlans.get(i)[0]);
        }
        if (etherType < 0) {
            throw new IllegalStateException("the packet has no network layer: call ipv4(...), ipv6(...) or etherType(...)");
        }
        short16(out, etherType);
        if (ipSource == null) {
            out.writeBytes(payload);
            return out.toByteArray();
        }
        boolean v6 = etherType == ETH_P_IPV6;
        byte[] transport = transport(v6);
        int nextHeader = protocol < 0 ? 59 /* IPv6 no next header */ : v6 && protocol == IPPROTO_ICMP ? IPPROTO_ICMPV6 : protocol;
        if (v6) {
            ByteBuffer ip = ByteBuffer.allocate(40);
            ip.putInt(6 << 28 | tos << 20).putShort((short) transport.length).put((byte) nextHeader).put((byte) ttl)
                    .put(ipSource).put(ipDestination);
            out.writeBytes(ip.array());
        } else {
            ByteBuffer ip = ByteBuffer.allocate(20);
            ip.put((byte) 0x45).put((byte) tos).putShort((short) (20 + transport.length)).putShort((short) ipId)
                    .putShort((short) 0x4000 /* don't fragment */).put((byte) ttl)
                    .put((byte) (protocol < 0 ? 255 : protocol)).putShort((short) 0).put(ipSource).put(ipDestination);
            ip.putShort(10, (short) Checksums.internet(ip.array(), 0, 20, 0));
            out.writeBytes(ip.array());
        }
        out.writeBytes(transport);
        return out.toByteArray();
    }

    private byte[] transport(boolean v6) {
        if (protocol < 0) {
            return payload;
        }
        ByteBuffer header;
        int checksumOffset;
        int nextHeader = protocol;
        switch (protocol) {
            case IPPROTO_UDP -> {
                header = ByteBuffer.allocate(8 + payload.length);
                header.putShort((short) sourcePort).putShort((short) destinationPort)
                        .putShort((short) (8 + payload.length)).putShort((short) 0);
                checksumOffset = 6;
            }
            case IPPROTO_TCP -> {
                header = ByteBuffer.allocate(20 + payload.length);
                header.putShort((short) sourcePort).putShort((short) destinationPort).putInt((int) sequence)
                        .putInt((int) acknowledgement).put((byte) (5 << 4)).put((byte) tcpFlags)
                        .putShort((short) window).putShort((short) 0).putShort((short) 0);
                checksumOffset = 16;
            }
            default -> {
                int type = icmpType >= 0 ? icmpType : v6 ? 128 : 8;
                header = ByteBuffer.allocate(8 + payload.length);
                header.put((byte) type).put((byte) icmpCode).putShort((short) 0).putShort((short) icmpId)
                        .putShort((short) icmpSequence);
                checksumOffset = 2;
                nextHeader = v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
            }
        }
        header.put(payload);
        byte[] bytes = header.array();
        // ICMP over IPv4 has no pseudo-header; UDP, TCP and ICMPv6 do.
        long pseudo = nextHeader == IPPROTO_ICMP ? 0 : Checksums.pseudoHeader(ipSource, ipDestination, nextHeader, bytes.length);
        int checksum = Checksums.internet(bytes, 0, bytes.length, pseudo);
        if (nextHeader == IPPROTO_UDP && checksum == 0) {
            checksum = 0xffff; // 0 means "no checksum" in UDP
        }
        bytes[checksumOffset] = (byte) (checksum >> 8);
        bytes[checksumOffset + 1] = (byte) checksum;
        return bytes;
    }

    private void ports(int sourcePort, int destinationPort) {
        this.sourcePort = check(sourcePort, 0, 0xffff, "source port");
        this.destinationPort = check(destinationPort, 0, 0xffff, "destination port");
    }

    private static void short16(ByteArrayOutputStream out, int value) {
        out.write(value >> 8);
        out.write(value);
    }

    private static int check(int value, int min, int max, String what) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", not " + value);
        }
        return value;
    }

    /** Parses {@code "aa:bb:cc:dd:ee:ff"} (or with dashes) into 6 bytes. */
    static byte[] mac(String text) {
        String hex = text.replace(":", "").replace("-", "");
        if (hex.length() != 12) {
            throw new IllegalArgumentException("not a MAC address: \"" + text + "\" (expected like 02:00:00:00:00:01)");
        }
        try {
            return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a MAC address: \"" + text + "\" (expected like 02:00:00:00:00:01)", e);
        }
    }

    private static byte[] address(String text, Class<? extends InetAddress> kind) {
        // Only literals: InetAddress.getByName on a host name would do a DNS lookup.
        boolean literal = kind == Inet4Address.class ? text.matches("\\d{1,3}(\\.\\d{1,3}){3}") : text.contains(":");
        if (!literal) {
            throw new IllegalArgumentException("not an " + (kind == Inet4Address.class ? "IPv4" : "IPv6")
                    + " address literal: \"" + text + "\"");
        }
        try {
            InetAddress address = InetAddress.getByName(text);
            if (!kind.isInstance(address)) {
                throw new IllegalArgumentException("not an " + (kind == Inet4Address.class ? "IPv4" : "IPv6")
                        + " address: \"" + text + "\"");
            }
            return address.getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: \"" + text + "\"", e);
        }
    }
}
