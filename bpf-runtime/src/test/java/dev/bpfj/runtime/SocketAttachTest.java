package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A socket filter on a UDP socket: datagrams it drops never arrive, those it truncates arrive cut. */
@KernelTest(needs = KernelTest.Facility.CLANG)
class SocketAttachTest {

    @Test
    void socketFilterDropsAndTruncatesUntilDetached() throws Throwable {
        try (BpfObject object = Fixtures.open("net_socket"); NativeSocket socket = NativeSocket.udp();
                DatagramSocket sender = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            object.load();
            GlobalData bss = object.globalData(".bss");
            BpfLink link = object.program("udp_filter").attachSocket(socket.fd());
            assertEquals(-1, link.fd());

            send(sender, socket.port(), "Drop me");
            send(sender, socket.port(), "Truncated to four");
            send(sender, socket.port(), "Keep me whole");
            assertEquals("Trun", socket.receive(10_000));
            assertEquals("Keep me whole", socket.receive(10_000));
            assertEquals(3, bss.getLong(bss.offsetOf("filtered")));

            link.close();
            send(sender, socket.port(), "Drop me not: detached");
            assertEquals("Drop me not: detached", socket.receive(10_000));
            assertEquals(3, bss.getLong(bss.offsetOf("filtered")));
        }
    }

    @Test
    void closingALinkAfterItsSocketLeavesTheSocketThatGotItsFdAlone() throws Throwable {
        try (BpfObject object = Fixtures.open("net_socket");
                DatagramSocket sender = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            object.load();
            BpfProgram filter = object.program("udp_filter");
            NativeSocket first = NativeSocket.udp();
            int fd = first.fd();
            BpfLink stale = filter.attachSocket(fd);
            first.close();
            try (NativeSocket second = NativeSocket.udp()) {
                assertEquals(fd, second.fd(), "the kernel hands out the lowest free fd");
                filter.attachSocket(second.fd());
                stale.close(); // must not detach the filter of the socket that now has the fd
                send(sender, second.port(), "Drop me");
                send(sender, second.port(), "Kept");
                assertEquals("Kept", second.receive(10_000));
            }
        }
    }

    @Test
    void aFdThatIsNoSocketIsNamed() {
        try (BpfObject object = Fixtures.open("net_socket")) {
            object.load();
            BpfException closed = assertThrows(BpfException.class, () -> object.program("udp_filter").attachSocket(999_999));
            assertEquals("attach program udp_filter (socket) to socket fd 999999: Bad file descriptor (EBADF); "
                    + "fd 999999 is not open", closed.getMessage());
            BpfException notSocket = assertThrows(BpfException.class, () -> object.program("udp_filter").attachSocket(0));
            assertTrue(notSocket.getMessage().endsWith("fd 0 is not a socket"), notSocket.getMessage());
        }
    }

    private static void send(DatagramSocket sender, int port, String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        sender.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
    }
}
