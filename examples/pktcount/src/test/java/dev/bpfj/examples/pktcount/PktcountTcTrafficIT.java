package dev.bpfj.examples.pktcount;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.examples.pktcount.PktcountBpf.PktcountCounter.Snapshot;
import dev.bpfj.junit.BpfTest;
import dev.bpfj.junit.LoadBpf;
import dev.bpfj.junit.Packet;
import dev.bpfj.runtime.TcDirection;
import dev.bpfj.test.VethPair;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a test run cannot show about {@code pktcount_tc}: real skbs. A test run hands tc a linear
 * skb with the frame as given, but on a real interface tc sees GSO/GRO packets whose data is mostly
 * in pages (so {@code data_end - data} is a few headers), and receive paths that take the VLAN tag
 * out of the frame into the skb. Both made the tc program count wrong; these tests send real traffic
 * through a veth pair with the program attached (tcx ingress) and check the counts.
 */
@BpfTest
class PktcountTcTrafficIT {

    static final int TCP = 6;
    static final int ARP = 256;
    static final int OTHER = 257;

    /** A fresh object per test, closed (with its links) after it. */
    @LoadBpf
    PktcountBpf skel;

    @Test
    void tcCountsTheWholeOfLargeTcpPackets() throws Exception {
        int total = 1_000_000;
        try (VethPair veth = VethPair.create("kpkt");
                ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getByName(veth.hostAddress), 0));
            server.setSoTimeout(30_000);
            CompletableFuture<Long> received = CompletableFuture.supplyAsync(() -> readAll(server));
            skel.attachPktcountTc(veth.host, TcDirection.INGRESS);
            // The peer's TCP stack sends large (GSO) packets, which the veth hands on as they are.
            VethPair.run("ip", "netns", "exec", veth.namespace, "bash", "-c",
                    "head -c " + total + " /dev/zero > /dev/tcp/" + veth.hostAddress + "/" + server.getLocalPort());
            assertEquals(total, received.get(60, TimeUnit.SECONDS));
            skel.detach();

            Snapshot tcp = skel.maps().counts().get(TCP).orElseThrow();
            // Every packet is Ethernet + IPv4 + a TCP header of 20-60 bytes, and the payload once.
            long min = total + tcp.packets() * (14 + 20 + 20);
            long max = total + tcp.packets() * (14 + 60 + 60);
            assertTrue(tcp.packets() > 0 && tcp.byteCount() >= min && tcp.byteCount() <= max,
                    "tcp bytes counted by tc ingress: " + tcp + ", expected between " + min + " and " + max);
        }
    }

    @Test
    void tcCountsAVlanTaggedFrameAsOtherWithItsTag() throws Exception {
        String suffix = Long.toString(ProcessHandle.current().pid() % 100000, 36)
                + Integer.toString(new Random().nextInt(36 * 36 * 36), 36);
        String sender = "pkvs" + suffix;
        String receiver = "pkvr" + suffix;
        VethPair.run("ip", "link", "add", sender, "type", "veth", "peer", "name", receiver);
        try {
            for (String end : new String[] {sender, receiver}) {
                // No IPv6 link-local address: the pair stays quiet but for what the test sends.
                VethPair.run("ip", "link", "set", end, "addrgenmode", "none");
                VethPair.run("ip", "link", "set", end, "up");
            }
            skel.attachPktcountTc(receiver, TcDirection.INGRESS);
            byte[] arp = PktcountPacketTest.arpRequest();
            byte[] tagged = Packet.ethernet("02:00:00:00:00:01", "ff:ff:ff:ff:ff:ff").vlan(100)
                    .etherType(Packet.ETH_P_ARP).payload(Arrays.copyOfRange(arp, 14, arp.length)).build();
            assertEquals(46, tagged.length);
            // The receiving veth's stack takes the tag out of the frame before tc ingress sees it.
            sendRaw(sender, tagged, tagged, tagged, arp);
            skel.detach();

            assertEquals(new Snapshot(1, 42), skel.maps().counts().get(ARP).orElseThrow(), "untagged ARP");
            assertEquals(new Snapshot(3, 3 * 46), skel.maps().counts().get(OTHER).orElseThrow(),
                    "VLAN-tagged frames (slot 257, with their 4-byte tag)");
        } finally {
            VethPair.run("ip", "link", "del", sender);
        }
    }

    private static long readAll(ServerSocket server) {
        try (Socket socket = server.accept(); InputStream in = socket.getInputStream()) {
            return in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends whole Ethernet frames out of {@code interfaceName} with an AF_PACKET socket. */
    private static void sendRaw(String interfaceName, byte[]... frames) throws IOException {
        // Not NetworkInterface: it lists only interfaces with an address.
        int ifindex = Integer.parseInt(Files.readString(Path.of("/sys/class/net", interfaceName, "ifindex")).strip());
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        MethodHandle socket = linker.downcallHandle(libc.find("socket").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        MethodHandle sendto = linker.downcallHandle(libc.find("sendto").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
        MethodHandle close = linker.downcallHandle(libc.find("close").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        int afPacket = 17;
        int sockRaw = 3;
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) socket.invokeExact(afPacket, sockRaw, 0);
            assertTrue(fd >= 0, "socket(AF_PACKET, SOCK_RAW) failed");
            try {
                // struct sockaddr_ll: family, protocol (big-endian), ifindex, hatype, pkttype, halen, addr[8]
                MemorySegment address = arena.allocate(20, 4);
                address.set(JAVA_SHORT, 0, (short) afPacket);
                address.set(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) 0x0003);
                address.set(JAVA_INT, 4, ifindex);
                address.set(JAVA_BYTE, 11, (byte) 6);
                for (byte[] frame : frames) {
                    MemorySegment data = arena.allocateFrom(JAVA_BYTE, frame);
                    long sent = (long) sendto.invokeExact(fd, data, (long) frame.length, 0, address, 20);
                    assertEquals(frame.length, sent, "sendto on " + interfaceName);
                }
            } finally {
                int ignored = (int) close.invokeExact(fd);
            }
        } catch (Throwable e) {
            if (e instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("sending raw frames on " + interfaceName, e);
        }
    }
}
