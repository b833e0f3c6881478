package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import dev.bpfj.test.VethPair;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * sk_lookup on this network namespace steers connections for one of the test's ports to another
 * listener; an sk_msg program on a sockmap counts and refuses messages of a TCP connection.
 */
@KernelTest(needs = {KernelTest.Facility.CLANG, KernelTest.Facility.BPFTOOL})
class SockMapNetnsAttachTest {

    private static final int EACCES = 13;

    @Test
    void skLookupSteersConnectionsToTheSocketInItsMap() throws Throwable {
        try (BpfObject object = Fixtures.open("net_sockmap"); NativeSocket steeredTo = NativeSocket.tcpListener();
                ServerSocket bound = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            object.load();
            GlobalData bss = object.globalData(".bss");
            object.map("listeners").updateLong(0, steeredTo.fd());
            bss.setInt(bss.offsetOf("redirect_port"), bound.getLocalPort());
            BpfLink link = object.program("redirect_lookup").attachNetns(Path.of("/proc/self/ns/net"));
            assertTrue(link.fd() >= 0);

            try (Socket client = new Socket()) {
                client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), bound.getLocalPort()), 10_000);
                try (NativeSocket accepted = steeredTo.accept(10_000)) {
                    assertNotNull(accepted, "the connection did not reach the socket in the map");
                }
            }
            assertEquals(1, bss.getLong(bss.offsetOf("redirected")));
            bound.setSoTimeout(1);
            assertThrows(SocketTimeoutException.class, bound::accept, "the bound listener got the steered connection");

            link.close();
            bound.setSoTimeout(10_000);
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), bound.getLocalPort());
                    Socket accepted = bound.accept()) {
                assertTrue(accepted.isConnected() && client.isConnected());
            }
            assertEquals(1, bss.getLong(bss.offsetOf("redirected")));
        }
    }

    @Test
    void skMsgOnASockmapCountsAndRefusesMessages() throws Throwable {
        try (BpfObject object = Fixtures.open("net_sockmap"); NativeSocket listener = NativeSocket.tcpListener();
                NativeSocket client = NativeSocket.tcpConnect(listener.port());
                NativeSocket server = listener.accept(10_000)) {
            object.load();
            GlobalData bss = object.globalData(".bss");
            BpfMap senders = object.map("senders");
            BpfLink link = object.program("verdict_msg").attachSockMap(senders);
            assertEquals(-1, link.fd());
            senders.updateLong(0, client.fd());

            assertEquals(0, client.send("hello"));
            assertEquals("hello", server.receive(10_000));
            assertEquals(EACCES, client.send("Denied"));
            assertEquals(5 + 6, bss.getLong(bss.offsetOf("msg_bytes")));
            assertEquals(1, bss.getLong(bss.offsetOf("msg_dropped")));

            link.close();
            senders.deleteKey(0);
            senders.updateLong(0, client.fd());
            assertEquals(0, client.send("Delivered"));
            assertEquals("Delivered", server.receive(10_000));
            assertEquals(11, bss.getLong(bss.offsetOf("msg_bytes")));
        }
    }

    @Test
    void skSkbStreamVerdictDropsSegmentsBeforeTheReceiverSeesThem() throws Throwable {
        try (BpfObject object = Fixtures.open("net_sockmap"); NativeSocket listener = NativeSocket.tcpListener();
                NativeSocket client = NativeSocket.tcpConnect(listener.port());
                NativeSocket server = listener.accept(10_000)) {
            object.load();
            GlobalData bss = object.globalData(".bss");
            BpfMap receivers = object.map("receivers");
            BpfLink link = object.program("verdict_skb").attachSockMap(receivers);
            receivers.updateLong(0, server.fd());

            assertEquals(0, client.send("first"));
            assertEquals("first", server.receive(10_000));
            assertEquals(0, client.send("Dropped"));
            // One segment at a time, so that the next one is not merged with the dropped one.
            XdpTcAttachTest.awaitValue(1, () -> bss.getLong(bss.offsetOf("skb_dropped")));
            assertEquals(0, client.send("third"));
            assertEquals("third", server.receive(10_000));
            assertEquals(3, bss.getLong(bss.offsetOf("skb_seen")));

            link.close();
            receivers.deleteKey(0);
            assertEquals(0, client.send("Delivered"));
            assertEquals("Delivered", server.receive(10_000));
            assertEquals(3, bss.getLong(bss.offsetOf("skb_seen")));
        }
    }

    @Test
    void aFlowDissectorAttachesToAnotherNamespaceByItsFile() {
        try (BpfObject object = Fixtures.open("net_flow"); VethPair veth = VethPair.create("net")) {
            object.load();
            Path netns = Path.of("/var/run/netns/" + veth.namespace);
            long fdsBefore = Fixtures.openFds();
            object.program("dissect").attachNetns(netns).close();
            // A leak adds an fd; the JVM may close one of its own meanwhile (a Cleaner after GC), so not equality.
            long fdsAfter = Fixtures.openFds();
            assertTrue(fdsAfter <= fdsBefore, "the namespace file's fd leaked: " + fdsBefore + " fds before, " + fdsAfter + " after");

            BpfLink link = object.program("dissect").attachNetns(netns);
            String shown = VethPair.run("ip", "netns", "exec", veth.namespace, "bpftool", "net", "show");
            String id = "id " + object.program("dissect").info().id();
            assertTrue(shown.substring(shown.indexOf("flow_dissector:")).contains(id), shown);
            assertTrue(!VethPair.run("bpftool", "net", "show").contains(id), "attached to this namespace instead");
            link.close();
            assertTrue(!VethPair.run("ip", "netns", "exec", veth.namespace, "bpftool", "net", "show").contains(id));
        }
    }

    @Test
    void wrongMapsAndNamespacesAreNamed() {
        try (BpfObject object = Fixtures.open("net_sockmap")) {
            object.load();
            BpfMap globals = object.globalData(".bss").map();
            BpfException notSockmap = assertThrows(BpfException.class,
                    () -> object.program("verdict_msg").attachSockMap(globals));
            assertTrue(notSockmap.getMessage().contains("sk_msg and sk_skb programs attach to a SOCKMAP or SOCKHASH"),
                    notSockmap.getMessage());
            BpfException notNetns = assertThrows(BpfException.class,
                    () -> object.program("redirect_lookup").attachNetns(Path.of("/proc/self/ns/mnt")));
            assertTrue(notNetns.getMessage().startsWith("attach program redirect_lookup (sk_lookup) to network namespace "
                    + "/proc/self/ns/mnt: "), notNetns.getMessage());
            assertTrue(notNetns.getMessage().contains("is not a network namespace file"), notNetns.getMessage());
        }
    }
}
