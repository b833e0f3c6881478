package dev.bpfj.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.runtime.BpfException;
import dev.bpfj.runtime.BpfObject;
import dev.bpfj.runtime.Codec;
import dev.bpfj.runtime.TestRunRequest;
import dev.bpfj.runtime.TestRunResult;
import org.junit.jupiter.api.Test;

/** Programs with a context in and out (__sk_buff, xdp_md), one object per test (an instance field). */
@BpfTest
class TcMarkTest {

    @LoadBpf(resource = "xdp_firewall.bpf.o")
    BpfObject object;

    @Test
    void marksWithTheDestinationPortAndReadsThePriority() {
        byte[] frame = Packet.ethernet().ipv4("10.0.0.2", "10.0.0.1").tcp(40000, 443, Packet.TCP_SYN).build();
        TestRunResult result = object.program("tc_mark").testRun(TestRunRequest.builder()
                .data(frame).context(new SkBuff().priority(6).toBytes()).build());

        assertEquals(TcAction.OK, TcAction.of(result.returnValue()));
        SkBuff out = SkBuff.of(result.context());
        assertEquals(443, out.mark());
        assertEquals(7, out.cb(0));
        assertEquals(6, out.priority());
    }

    @Test
    void anXdpContextSetsTheIngressInterface() {
        byte[] frame = Packet.ethernet().ipv4("10.0.0.2", "10.0.0.1").udp(1, 2).build();
        // ifindex 1 is the loopback device, which exists in every network namespace.
        TestRunResult result = object.program("xdp_ingress").testRun(TestRunRequest.builder()
                .data(frame).context(new XdpMd().ingressIfindex(1).toBytes()).build());
        assertEquals(XdpAction.PASS, XdpAction.of(result.returnValue()));
        assertEquals(1, object.globalData(".bss").getInt(0));
        // The field reaches the kernel: an interface that does not exist is refused.
        BpfException e = assertThrows(BpfException.class, () -> object.program("xdp_ingress").testRun(
                TestRunRequest.builder().data(frame).context(new XdpMd().ingressIfindex(Integer.MAX_VALUE).toBytes()).build()));
        assertEquals("ENODEV", e.errnoName(), e.getMessage());
        assertTrue(e.getMessage().endsWith("the context names an interface (ifindex / ingress_ifindex) that does not "
                + "exist in this network namespace; use 1 (loopback) or leave it 0"), e.getMessage());
    }

    @Test
    void shootsABlockedPort() {
        object.map("blocked_ports").typed(Codec.INT16, Codec.INT8).put((short) 443, (byte) 1);
        byte[] frame = Packet.ethernet().ipv4("10.0.0.2", "10.0.0.1").tcp(40000, 443, Packet.TCP_SYN).build();
        assertEquals(TcAction.SHOT, TcAction.of(object.program("tc_mark").testRun(TestRunRequest.ofData(frame)).returnValue()));
    }
}
