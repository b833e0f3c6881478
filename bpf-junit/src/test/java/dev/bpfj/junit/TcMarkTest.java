package dev.bpfj.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bpfj.runtime.BpfObject;
import dev.bpfj.runtime.Codec;
import dev.bpfj.runtime.TestRunRequest;
import dev.bpfj.runtime.TestRunResult;
import org.junit.jupiter.api.Test;

/** A tc program with an __sk_buff context in and out, one object per test (an instance field). */
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
    void shootsABlockedPort() {
        object.map("blocked_ports").typed(Codec.INT16, Codec.INT8).put((short) 443, (byte) 1);
        byte[] frame = Packet.ethernet().ipv4("10.0.0.2", "10.0.0.1").tcp(40000, 443, Packet.TCP_SYN).build();
        assertEquals(TcAction.SHOT, TcAction.of(object.program("tc_mark").testRun(TestRunRequest.ofData(frame)).returnValue()));
    }
}
