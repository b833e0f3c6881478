package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import dev.bpfj.test.VethPair;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * XDP, tcx and classic tc programs on a veth pair whose peer end lives in a network namespace of
 * the test's own: UDP datagrams sent across it are counted by the programs and, for one port,
 * dropped, which the receiving socket observes.
 */
@KernelTest(needs = KernelTest.Facility.CLANG)
class XdpTcAttachTest {

    private static final String PAYLOAD = "bpfj-packet";
    /** Ethernet + IPv4 + UDP headers and the payload: what XDP sees of each datagram. */
    private static final long FRAME_BYTES = 14 + 20 + 8 + PAYLOAD.length();
    private static final int WAIT_MS = 10_000;

    private VethPair veth;
    private BpfObject object;
    private DatagramSocket counted;
    private DatagramSocket dropped;
    private GlobalData bss;

    @BeforeEach
    void setUp() throws IOException {
        veth = VethPair.create("net");
        InetAddress host = InetAddress.getByName(veth.hostAddress);
        counted = new DatagramSocket(new InetSocketAddress(host, 0));
        dropped = new DatagramSocket(new InetSocketAddress(host, 0));
        object = Fixtures.open("net_packets");
        object.load();
        bss = object.globalData(".bss");
        bss.setInt(bss.offsetOf("count_port"), counted.getLocalPort());
        bss.setInt(bss.offsetOf("drop_port"), dropped.getLocalPort());
    }

    @AfterEach
    void tearDown() {
        try {
            if (object != null) {
                object.close();
            }
        } finally {
            if (counted != null) {
                counted.close();
            }
            if (dropped != null) {
                dropped.close();
            }
            if (veth != null) {
                veth.close();
            }
        }
    }

    @Test
    void xdpLinkCountsAndDropsThenDetaches() throws Exception {
        BpfLink link = object.program("xdp_count").attachXdp(veth.host);
        assertTrue(link.fd() >= 0, "a link-based XDP attachment has a link fd");
        assertTrue(VethPair.run("ip", "link", "show", veth.host).contains("xdp"), "ip link shows no XDP program");

        veth.sendFromPeer(dropped.getLocalPort(), PAYLOAD, 4);
        veth.sendFromPeer(counted.getLocalPort(), PAYLOAD, 5);
        for (int i = 0; i < 5; i++) {
            assertEquals(PAYLOAD, receive(counted, WAIT_MS));
        }
        // The datagrams to the drop port went first on the same path: had they passed, they would be there.
        assertEquals(null, receive(dropped, 1));
        assertEquals(5, bss.getLong(bss.offsetOf("xdp_counted")));
        assertEquals(5 * FRAME_BYTES, bss.getLong(bss.offsetOf("xdp_bytes")));
        assertEquals(4, bss.getLong(bss.offsetOf("xdp_dropped")));

        link.close();
        assertFalse(VethPair.run("ip", "link", "show", veth.host).contains("xdp"), "closing the link left XDP attached");
        veth.sendFromPeer(dropped.getLocalPort(), PAYLOAD, 1);
        assertEquals(PAYLOAD, receive(dropped, WAIT_MS));
        assertEquals(4, bss.getLong(bss.offsetOf("xdp_dropped")));
    }

    @Test
    void xdpReplaceGoesThroughNetlinkAndALinkRefusesABusyInterface() throws Exception {
        BpfProgram program = object.program("xdp_count");
        int ifindex = java.net.NetworkInterface.getByName(veth.host).getIndex();
        BpfLink netlink = program.attachXdp(ifindex, XdpMode.GENERIC, true);
        assertEquals(-1, netlink.fd(), "a netlink XDP attachment is not a kernel link");
        assertTrue(VethPair.run("ip", "link", "show", veth.host).contains("xdpgeneric"), "not in generic mode");

        BpfException busy = assertThrows(BpfException.class, () -> program.attachXdp(veth.host));
        assertTrue(busy.getMessage().startsWith("attach program xdp_count (xdp) to XDP (default mode) of interface "
                + veth.host + ": "), busy.getMessage());
        assertTrue(busy.getMessage().contains("already has an XDP program"), busy.getMessage());

        // replace=true again replaces our own netlink program; the second attachment now owns it.
        BpfLink replacing = program.attachXdp(ifindex, XdpMode.GENERIC, true);
        veth.sendFromPeer(dropped.getLocalPort(), PAYLOAD, 2);
        veth.sendFromPeer(counted.getLocalPort(), PAYLOAD, 1);
        assertEquals(PAYLOAD, receive(counted, WAIT_MS));
        assertEquals(null, receive(dropped, 1));
        assertEquals(2, bss.getLong(bss.offsetOf("xdp_dropped")));

        replacing.close();
        assertFalse(VethPair.run("ip", "link", "show", veth.host).contains("xdp"), "detach left XDP attached");
        netlink.close(); // the program is gone already: closing is a no-op, not an error
        veth.sendFromPeer(dropped.getLocalPort(), PAYLOAD, 1);
        assertEquals(PAYLOAD, receive(dropped, WAIT_MS));
    }

    @Test
    void tcxIngressAndEgressCountAndDrop() throws Exception {
        BpfLink ingress = object.program("tc_ingress").attachTcx(veth.host, TcDirection.INGRESS);
        BpfLink egress = object.program("tc_egress").attachTcx(veth.host, TcDirection.EGRESS);
        assertTrue(ingress.fd() >= 0 && egress.fd() >= 0);

        veth.sendFromPeer(dropped.getLocalPort(), PAYLOAD, 3);
        veth.sendFromPeer(counted.getLocalPort(), PAYLOAD, 2);
        assertEquals(PAYLOAD, receive(counted, WAIT_MS));
        assertEquals(PAYLOAD, receive(counted, WAIT_MS));
        assertEquals(null, receive(dropped, 1));
        assertEquals(2, bss.getLong(bss.offsetOf("tc_ingress_counted")));
        assertEquals(3, bss.getLong(bss.offsetOf("tc_dropped")));

        sendFromHost(counted.getLocalPort(), 4);
        awaitValue(4, () -> bss.getLong(bss.offsetOf("tc_egress_counted")));
        assertEquals(2, bss.getLong(bss.offsetOf("tc_ingress_counted")));

        ingress.close();
        egress.close();
        veth.sendFromPeer(dropped.getLocalPort(), PAYLOAD, 1);
        assertEquals(PAYLOAD, receive(dropped, WAIT_MS));
        sendFromHost(counted.getLocalPort(), 1);
        assertEquals(4, bss.getLong(bss.offsetOf("tc_egress_counted")));
        assertEquals(3, bss.getLong(bss.offsetOf("tc_dropped")));
    }

    @Test
    void classicTcCreatesTheClsactQdiscAndRemovesItOnClose() throws Exception {
        BpfLink ingress = object.program("tc_ingress").attachTc(veth.host, TcDirection.INGRESS);
        BpfLink egress = object.program("tc_egress").attachTc(veth.host, TcDirection.EGRESS);
        assertEquals(-1, ingress.fd());
        assertTrue(VethPair.run("tc", "qdisc", "show", "dev", veth.host).contains("clsact"));
        assertTrue(VethPair.run("tc", "filter", "show", "dev", veth.host, "ingress").contains("tc_ingress"));

        veth.sendFromPeer(dropped.getLocalPort(), PAYLOAD, 2);
        veth.sendFromPeer(counted.getLocalPort(), PAYLOAD, 3);
        for (int i = 0; i < 3; i++) {
            assertEquals(PAYLOAD, receive(counted, WAIT_MS));
        }
        assertEquals(null, receive(dropped, 1));
        assertEquals(3, bss.getLong(bss.offsetOf("tc_ingress_counted")));
        assertEquals(2, bss.getLong(bss.offsetOf("tc_dropped")));
        sendFromHost(counted.getLocalPort(), 2);
        awaitValue(2, () -> bss.getLong(bss.offsetOf("tc_egress_counted")));

        ingress.close();
        assertFalse(VethPair.run("tc", "filter", "show", "dev", veth.host, "ingress").contains("tc_ingress"));
        assertTrue(VethPair.run("tc", "qdisc", "show", "dev", veth.host).contains("clsact"),
                "the qdisc went while our egress filter still uses it");
        egress.close();
        assertFalse(VethPair.run("tc", "qdisc", "show", "dev", veth.host).contains("clsact"),
                "the qdisc we created outlived our last filter");
    }

    @Test
    void classicTcLeavesAQdiscItDidNotCreate() {
        VethPair.run("tc", "qdisc", "add", "dev", veth.host, "clsact");
        BpfLink link = object.program("tc_ingress").attachTc(veth.host, TcDirection.INGRESS);
        assertTrue(VethPair.run("tc", "filter", "show", "dev", veth.host, "ingress").contains("tc_ingress"));
        link.close();
        assertFalse(VethPair.run("tc", "filter", "show", "dev", veth.host, "ingress").contains("tc_ingress"));
        assertTrue(VethPair.run("tc", "qdisc", "show", "dev", veth.host).contains("clsact"));
    }

    @Test
    void xdpModesReachTheKernelAndOffloadIsRefusedWithAHint() throws Exception {
        BpfProgram program = object.program("xdp_count");
        try (BpfLink driver = program.attachXdp(veth.host, XdpMode.DRIVER)) {
            String link = VethPair.run("ip", "-d", "link", "show", veth.host);
            assertTrue(link.contains("xdp") && !link.contains("xdpgeneric"), link);
            veth.sendFromPeer(dropped.getLocalPort(), PAYLOAD, 2);
            veth.sendFromPeer(counted.getLocalPort(), PAYLOAD, 1);
            assertEquals(PAYLOAD, receive(counted, WAIT_MS));
            assertEquals(null, receive(dropped, 1));
            assertEquals(2, bss.getLong(bss.offsetOf("xdp_dropped")));
        }
        try (BpfLink generic = program.attachXdp(veth.host, XdpMode.GENERIC)) {
            assertTrue(VethPair.run("ip", "link", "show", veth.host).contains("xdpgeneric"));
        }
        BpfException offload = assertThrows(BpfException.class, () -> program.attachXdp(veth.host, XdpMode.OFFLOAD));
        assertTrue(offload.getMessage().startsWith("attach program xdp_count (xdp) to XDP (offload mode) of interface "
                + veth.host + ": "), offload.getMessage());
        assertTrue(offload.hint() != null, offload.getMessage());
    }

    @Test
    void aTcxLinkCanBePinnedButANetlinkAttachmentCannot() throws Exception {
        assertTrue(java.nio.file.Files.isDirectory(java.nio.file.Path.of("/sys/fs/bpf")), "bpffs is not mounted");
        java.nio.file.Path pin = java.nio.file.Path.of("/sys/fs/bpf/" + veth.namespace + "-tcx");
        BpfLink tcx = object.program("tc_ingress").attachTcx(veth.host, TcDirection.INGRESS);
        try {
            tcx.pin(pin);
            assertTrue(java.nio.file.Files.exists(pin));
            tcx.unpin();
            assertFalse(java.nio.file.Files.exists(pin));
        } finally {
            java.nio.file.Files.deleteIfExists(pin);
        }
        BpfLink netlink = object.program("xdp_count").attachXdp(java.net.NetworkInterface.getByName(veth.host).getIndex(),
                XdpMode.GENERIC, true);
        IllegalStateException notALink = assertThrows(IllegalStateException.class, () -> netlink.pin(pin));
        assertTrue(notALink.getMessage().contains("is not a kernel link"), notALink.getMessage());
    }

    @Test
    void closingTheObjectDetachesWhatItsProgramsAttached() throws Exception {
        object.program("xdp_count").attachXdp(java.net.NetworkInterface.getByName(veth.host).getIndex(), XdpMode.GENERIC, true);
        object.program("tc_egress").attachTc(veth.host, TcDirection.EGRESS);
        object.program("tc_ingress").attachTcx(veth.host, TcDirection.INGRESS);
        assertTrue(VethPair.run("ip", "link", "show", veth.host).contains("xdpgeneric"));
        object.close();
        assertFalse(VethPair.run("ip", "link", "show", veth.host).contains("xdp"), "XDP outlived its object");
        assertFalse(VethPair.run("tc", "qdisc", "show", "dev", veth.host).contains("clsact"), "clsact outlived its object");
    }

    @Test
    void linksOfADeletedInterfaceCloseQuietly() throws Exception {
        BpfLink tc = object.program("tc_ingress").attachTc(veth.host, TcDirection.INGRESS);
        BpfLink xdp = object.program("xdp_count").attachXdp(java.net.NetworkInterface.getByName(veth.host).getIndex(),
                XdpMode.GENERIC, true);
        BpfLink tcx = object.program("tc_egress").attachTcx(veth.host, TcDirection.EGRESS);
        VethPair.run("ip", "link", "del", veth.host);
        tc.close();
        xdp.close();
        tcx.close();
        assertTrue(tc.isClosed() && xdp.isClosed() && tcx.isClosed());
    }

    @Test
    void attachingNeedsALoadedObject() {
        try (BpfObject opened = Fixtures.open("net_packets")) {
            IllegalStateException notLoaded = assertThrows(IllegalStateException.class,
                    () -> opened.program("xdp_count").attachXdp(veth.host));
            assertEquals("cannot attach program xdp_count to XDP (default mode) of interface " + veth.host
                    + ": the object is not loaded yet (call load() first)", notLoaded.getMessage());
            IllegalArgumentException badName = assertThrows(IllegalArgumentException.class,
                    () -> opened.program("tc_ingress").attachTc("a/b", TcDirection.INGRESS));
            assertTrue(badName.getMessage().startsWith("invalid interface name 'a/b' for tc ingress of program tc_ingress"),
                    badName.getMessage());
        }
    }

    @Test
    void badTargetsFailWithTheProgramTheTargetAndAHint() {
        BpfException missing = assertThrows(BpfException.class, () -> object.program("xdp_count").attachXdp("bpfjnosuch0"));
        assertEquals("attach program xdp_count (xdp) to XDP of interface bpfjnosuch0: No such device (ENODEV); "
                + "there is no network interface bpfjnosuch0 in this network namespace (see: ip link show)", missing.getMessage());

        BpfException wrongType = assertThrows(BpfException.class,
                () -> object.program("xdp_count").attachTcx(veth.host, TcDirection.INGRESS));
        assertTrue(wrongType.getMessage().contains("it is a XDP program; this attach needs a SCHED_CLS program"),
                wrongType.getMessage());

        BpfException netkit = assertThrows(BpfException.class,
                () -> object.program("tc_ingress").attachNetkit(veth.host, NetkitSide.PRIMARY));
        assertTrue(netkit.getMessage().startsWith("attach program tc_ingress (tc) to netkit primary of interface " + veth.host),
                netkit.getMessage());
        assertTrue(netkit.getMessage().contains("netkit"), netkit.getMessage());
        assertTrue(netkit.hint() != null && netkit.hint().contains("CONFIG_NETKIT"), netkit.getMessage());
    }

    private void sendFromHost(int port, int count) throws IOException {
        byte[] bytes = PAYLOAD.getBytes(StandardCharsets.US_ASCII);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(veth.hostAddress), 0))) {
            for (int i = 0; i < count; i++) {
                socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getByName(veth.peerAddress), port));
            }
        }
    }

    /** The next datagram's text, or null when none came within {@code timeoutMillis}. */
    static String receive(DatagramSocket socket, int timeoutMillis) throws IOException {
        byte[] buffer = new byte[2048];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.setSoTimeout(timeoutMillis);
        try {
            socket.receive(packet);
            return new String(buffer, 0, packet.getLength(), StandardCharsets.US_ASCII);
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    /** Waits (up to 10 s) for a counter to reach {@code expected}, then checks it is exactly that. */
    static void awaitValue(long expected, LongSupplier counter) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (counter.getAsLong() < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(expected, counter.getAsLong());
    }
}
