package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A netfilter program at IPv4 LOCAL_OUT: it counts this test's datagrams to one port and drops
 * those to another, which the sender sees as EPERM; only the test's own (ephemeral) ports are touched.
 */
@KernelTest(needs = KernelTest.Facility.CLANG)
class NetfilterAttachTest {

    @Test
    void netfilterLinkCountsAndDropsLocalOutput() throws Exception {
        try (BpfObject object = Fixtures.open("net_netfilter");
                DatagramSocket watched = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                DatagramSocket dropped = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                DatagramSocket sender = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            object.load();
            GlobalData bss = object.globalData(".bss");
            bss.setInt(bss.offsetOf("watch_port"), watched.getLocalPort());
            bss.setInt(bss.offsetOf("drop_port"), dropped.getLocalPort());
            BpfLink link = object.program("nf_count").attachNetfilter(StandardProtocolFamily.INET, NetfilterHook.LOCAL_OUT, -128);
            assertTrue(link.fd() >= 0);

            for (int i = 0; i < 3; i++) {
                send(sender, watched.getLocalPort(), "counted");
            }
            assertEquals("counted", XdpTcAttachTest.receive(watched, 10_000));
            IOException refused = assertThrows(IOException.class, () -> send(sender, dropped.getLocalPort(), "dropped"));
            assertTrue(refused.getMessage().contains("Operation not permitted"), refused.toString());
            assertEquals(3, bss.getLong(bss.offsetOf("seen")));
            assertEquals(1, bss.getLong(bss.offsetOf("dropped")));

            link.close();
            send(sender, dropped.getLocalPort(), "passes");
            assertEquals("passes", XdpTcAttachTest.receive(dropped, 10_000));
            assertEquals(1, bss.getLong(bss.offsetOf("dropped")));
        }
    }

    @Test
    void reservedPrioritiesAndWrongProgramsAreRefusedBeforeTheKernel() {
        try (BpfObject object = Fixtures.open("net_netfilter")) {
            object.load();
            BpfProgram program = object.program("nf_count");
            IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class,
                    () -> program.attachNetfilter(StandardProtocolFamily.INET, NetfilterHook.LOCAL_IN, Integer.MIN_VALUE));
            assertTrue(reserved.getMessage().contains("is reserved"), reserved.getMessage());
        }
        try (BpfObject object = Fixtures.open("net_socket")) {
            object.load();
            BpfException wrong = assertThrows(BpfException.class, () -> object.program("udp_filter")
                    .attachNetfilter(StandardProtocolFamily.INET6, NetfilterHook.PRE_ROUTING, 0));
            assertEquals("attach program udp_filter (socket) to netfilter ipv6 pre_routing priority 0: it is a "
                    + "SOCKET_FILTER program; this attach needs a NETFILTER program (SEC(\"netfilter\"))", wrong.getMessage());
        }
    }

    private static void send(DatagramSocket sender, int port, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        sender.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
    }
}
