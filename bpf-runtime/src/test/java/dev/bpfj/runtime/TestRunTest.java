package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@KernelTest(needs = KernelTest.Facility.CLANG)
class TestRunTest {

    static final int XDP_DROP = 1;
    static final int XDP_PASS = 2;
    private static final int XDP_TX = 3;
    static final int TC_ACT_OK = 0;
    static final int TC_ACT_SHOT = 2;
    private static final int TC_ACT_REDIRECT = 7;
    static final int SK_BUFF_SIZE = 192;

    private static final byte[] DST_MAC = {0x02, 0, 0, 0, 0, 0x01};
    private static final byte[] SRC_MAC = {0x02, 0, 0, 0, 0, 0x02};

    private BpfObject object;

    @BeforeEach
    void load() {
        object = Fixtures.open("testrun");
        object.load();
    }

    @AfterEach
    void close() {
        object.close();
    }

    @Test
    void xdpPassesDropsAndRewrites() {
        BpfProgram xdp = object.program("xdp_verdict");
        byte[] other = udpFrame(53);
        TestRunResult pass = xdp.testRun(TestRunRequest.ofData(other));
        assertEquals(XDP_PASS, pass.returnValue());
        assertArrayEquals(other, pass.data(), "an XDP_PASS leaves the packet as it was");

        assertEquals(XDP_DROP, xdp.testRun(TestRunRequest.ofData(udpFrame(9))).returnValue());

        byte[] echo = udpFrame(7);
        TestRunResult tx = xdp.testRun(TestRunRequest.ofData(echo));
        assertEquals(XDP_TX, tx.returnValue());
        byte[] expected = echo.clone();
        System.arraycopy(SRC_MAC, 0, expected, 0, 6);
        System.arraycopy(DST_MAC, 0, expected, 6, 6);
        assertArrayEquals(expected, tx.data(), "the MAC addresses are swapped, the rest unchanged");

        // repeat runs the program that often: the per-action counters in the map see every run.
        xdp.testRun(TestRunRequest.builder().data(udpFrame(9)).repeat(10).outputDataSize(0).build());
        BpfMap actions = object.map("xdp_actions");
        assertEquals(1, actions.lookupLongSum(XDP_PASS, -1));
        assertEquals(11, actions.lookupLongSum(XDP_DROP, -1));
        assertEquals(1, actions.lookupLongSum(XDP_TX, -1));
    }

    @Test
    void tcMarksAndRedirects() {
        BpfProgram tc = object.program("tc_classify");
        TestRunResult marked = tc.testRun(TestRunRequest.builder().data(udpFrame(53)).context(new byte[SK_BUFF_SIZE]).build());
        assertEquals(TC_ACT_OK, marked.returnValue());
        ByteBuffer skb = ByteBuffer.wrap(marked.context()).order(ByteOrder.nativeOrder());
        assertEquals(SK_BUFF_SIZE, marked.context().length);
        assertEquals(0x600d0000 | 53, skb.getInt(8), "mark");
        assertEquals((0x600d0000 | 53) + 1, skb.getInt(48), "cb[0]");

        // A mark passed in is what the program sees.
        byte[] context = new byte[SK_BUFF_SIZE];
        ByteBuffer.wrap(context).order(ByteOrder.nativeOrder()).putInt(8, 41);
        TestRunResult kept = tc.testRun(TestRunRequest.builder().data(udpFrame(0)).context(context).build());
        assertEquals(42, ByteBuffer.wrap(kept.context()).order(ByteOrder.nativeOrder()).getInt(48));

        assertEquals(TC_ACT_REDIRECT, tc.testRun(TestRunRequest.ofData(udpFrame(7))).returnValue());
        byte[] arp = udpFrame(53);
        arp[12] = 0x08;
        arp[13] = 0x06;
        assertEquals(TC_ACT_SHOT, tc.testRun(TestRunRequest.ofData(arp)).returnValue());
    }

    @Test
    void socketFilterSeesTheNetworkLayer() {
        BpfProgram filter = object.program("socket_udp_only");
        byte[] udp = udpFrame(53);
        assertEquals(udp.length - 14, filter.testRun(TestRunRequest.ofData(udp)).returnValue());
        byte[] tcp = udp.clone();
        tcp[14 + 9] = 6;
        assertEquals(20, filter.testRun(TestRunRequest.ofData(tcp)).returnValue());
        byte[] icmp = udp.clone();
        icmp[14 + 9] = 1;
        assertEquals(0, filter.testRun(TestRunRequest.ofData(icmp)).returnValue());
    }

    @Test
    void cgroupSkbAllowsAndDenies() {
        BpfProgram cgroup = object.program("cgroup_udp_only");
        assertEquals(ProgramType.CGROUP_SKB, cgroup.type());
        assertEquals(1, cgroup.testRun(TestRunRequest.ofData(udpFrame(53))).returnValue());
        byte[] tcp = udpFrame(53);
        tcp[14 + 9] = 6;
        assertEquals(0, cgroup.testRun(TestRunRequest.ofData(tcp)).returnValue());
    }

    @Test
    void skLookupDecidesOnTheLocalPort() {
        BpfProgram lookup = object.program("lookup_no_echo");
        assertEquals(1 /* SK_PASS */, lookup.testRun(TestRunRequest.ofContext(skLookup(80))).returnValue());
        assertEquals(0 /* SK_DROP */, lookup.testRun(TestRunRequest.ofContext(skLookup(7))).returnValue());
    }

    /** A {@code struct bpf_sk_lookup} (72 bytes) for TCP over IPv4 from 10.0.0.1:40000 to 10.0.0.2:{@code localPort}. */
    private static byte[] skLookup(int localPort) {
        ByteBuffer ctx = ByteBuffer.allocate(72).order(ByteOrder.nativeOrder());
        ctx.putInt(8, 2 /* AF_INET */).putInt(12, 6 /* IPPROTO_TCP */);
        ctx.order(ByteOrder.BIG_ENDIAN).putInt(16, 0x0a000001).putShort(36, (short) 40000).putInt(40, 0x0a000002);
        ctx.order(ByteOrder.nativeOrder()).putInt(60, localPort);
        return ctx.array();
    }

    @Test
    void flowDissectorReturnsTheFlowKeysAsData() {
        BpfProgram dissector = object.program("dissect_udp4");
        TestRunResult result = dissector.testRun(TestRunRequest.ofData(udpFrame(53)));
        assertEquals(0 /* BPF_OK */, result.returnValue());
        ByteBuffer keys = ByteBuffer.wrap(result.data()); // struct bpf_flow_keys: the network-order fields
        assertEquals(56, result.data().length);
        assertEquals(14, keys.order(ByteOrder.nativeOrder()).getShort(0), "nhoff: after the Ethernet header");
        assertEquals(34, keys.getShort(2), "thoff: after the IPv4 header");
        assertEquals(17, keys.get(9), "ip_proto");
        keys.order(ByteOrder.BIG_ENDIAN);
        assertEquals(40000, Short.toUnsignedInt(keys.getShort(12)), "sport");
        assertEquals(53, keys.getShort(14), "dport");
        assertEquals(0x0a000001, keys.getInt(16), "ipv4_src");
        assertEquals(0x0a000002, keys.getInt(20), "ipv4_dst");
        byte[] tcp = udpFrame(53);
        tcp[14 + 9] = 6;
        assertEquals(2 /* BPF_DROP */, dissector.testRun(TestRunRequest.ofData(tcp)).returnValue());
    }

    @Test
    void rawTracepointGetsItsArguments() {
        BpfProgram rawTp = object.program("raw_tp_sys_enter");
        byte[] args = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(0, 0).putLong(8, 1234).array();
        TestRunResult result = rawTp.testRun(TestRunRequest.builder().context(args).cpu(0).build());
        assertEquals(1235, result.returnValue());
        assertEquals(1234, object.globalData(".bss").getLong(0));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rawTp.testRun(TestRunRequest.ofData(udpFrame(1))));
        assertTrue(e.getMessage().startsWith("cannot test-run program raw_tp_sys_enter (raw_tp/sys_enter) of type "
                + "RAW_TRACEPOINT: a raw_tp test run takes only a context"), e.getMessage());
    }

    @Test
    void syscallProgramWritesItsContextBack() {
        BpfProgram syscall = object.program("syscall_add");
        byte[] args = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putInt(0, 40).putInt(4, 2).putInt(12, 5).array();
        TestRunResult result = syscall.testRun(TestRunRequest.ofContext(args));
        assertEquals(7, result.returnValue());
        ByteBuffer out = ByteBuffer.wrap(result.context()).order(ByteOrder.nativeOrder());
        assertEquals(42, out.getInt(8));
        assertEquals(6, out.getInt(12));
        assertEquals(5, ByteBuffer.wrap(args).order(ByteOrder.nativeOrder()).getInt(12), "the caller's array is not touched");
    }

    @Test
    void unsupportedTypeNamesTheTypesThatAre() {
        BpfException e = assertThrows(BpfException.class,
                () -> object.program("tp_not_testable").testRun(TestRunRequest.ofContext(new byte[16])));
        assertEquals("ENOTSUPP", e.errnoName());
        assertTrue(e.getMessage().startsWith("test-run program tp_not_testable (tp/syscalls/sys_enter_getppid)"), e.getMessage());
        assertTrue(e.getMessage().contains("the kernel cannot test-run TRACEPOINT programs; it can test-run SOCKET_FILTER, "
                + "SCHED_CLS"), e.getMessage());
    }

    @Test
    void tooSmallOutputBufferSaysWhatIsNeeded() {
        byte[] frame = udpFrame(53);
        BpfException e = assertThrows(BpfException.class, () -> object.program("xdp_verdict")
                .testRun(TestRunRequest.builder().data(frame).outputDataSize(10).build()));
        assertEquals("ENOSPC", e.errnoName());
        assertTrue(e.getMessage().contains("the program produced " + frame.length + " bytes of data but the output buffer holds 10; "
                + "pass outputDataSize(" + frame.length + ") or more"), e.getMessage());
    }

    @Test
    void tooShortPacketIsExplained() {
        BpfException e = assertThrows(BpfException.class,
                () -> object.program("xdp_verdict").testRun(TestRunRequest.ofData(new byte[4])));
        assertEquals("EINVAL", e.errnoName());
        assertTrue(e.getMessage().contains("the data must be a whole Ethernet frame"), e.getMessage());
    }

    @Test
    void beforeLoadIsAnIllegalState() {
        try (BpfObject opened = Fixtures.open("testrun")) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> opened.program("xdp_verdict").testRun(TestRunRequest.ofData(udpFrame(1))));
            assertTrue(e.getMessage().contains("xdp_verdict"), e.getMessage());
        }
    }

    @Test
    void requestRejectsBadSizesAtOnce() {
        assertThrows(IllegalArgumentException.class, () -> TestRunRequest.builder().outputDataSize(-1));
        assertThrows(IllegalArgumentException.class, () -> TestRunRequest.builder().repeat(-2));
        assertThrows(IllegalArgumentException.class, () -> TestRunRequest.builder().flags(8));
        TestRunRequest request = TestRunRequest.ofData(new byte[20]);
        assertEquals(20 + 4096, request.outputDataSize());
        assertEquals(-1, request.outputContextSize());
    }

    /** Ethernet + IPv4 + UDP to {@code port} with 4 bytes of payload (checksums are not checked by these programs). */
    static byte[] udpFrame(int port) {
        ByteBuffer frame = ByteBuffer.allocate(14 + 20 + 8 + 4);
        frame.put(DST_MAC).put(SRC_MAC).putShort((short) 0x0800);
        frame.put((byte) 0x45).put((byte) 0).putShort((short) (20 + 8 + 4)).putInt(0).put((byte) 64).put((byte) 17)
                .putShort((short) 0).put(new byte[] {10, 0, 0, 1}).put(new byte[] {10, 0, 0, 2});
        frame.putShort((short) 40000).putShort((short) port).putShort((short) 12).putShort((short) 0);
        frame.put(new byte[] {'p', 'i', 'n', 'g'});
        return Arrays.copyOf(frame.array(), frame.capacity());
    }
}
