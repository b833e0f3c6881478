package com.example.xdp;

import static dev.bpfj.junit.BpfAssertions.assertCounter;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bpfj.junit.BpfTest;
import dev.bpfj.junit.LoadBpf;
import dev.bpfj.junit.Packet;
import dev.bpfj.runtime.TestRunRequest;
import org.junit.jupiter.api.Test;

@BpfTest
class XdpCountTest {

    static final int XDP_DROP = 1;
    static final int XDP_PASS = 2;

    @LoadBpf(resetMaps = true)
    static XdpCountBpf skel;

    @Test
    void udpPassesAndIsCounted() {
        byte[] frame = Packet.ethernet().ipv4("192.0.2.1", "192.0.2.2").udp(5000, 53).payload(new byte[8]).build();

        var result = skel.progs().xdpCount().testRun(TestRunRequest.ofData(frame));

        assertEquals(XDP_PASS, result.returnValue());
        assertCounter(1, skel.maps().packetsByProtocol().map(), Packet.IPPROTO_UDP);
    }

    @Test
    void icmpIsDropped() {
        byte[] ping = Packet.ethernet().ipv4("192.0.2.1", "192.0.2.2").icmpEcho(1, 1).build();

        assertEquals(XDP_DROP, skel.progs().xdpCount().testRun(TestRunRequest.ofData(ping)).returnValue());
        assertEquals(XDP_DROP, skel.progs().xdpCount().testRun(TestRunRequest.ofData(ping)).returnValue());
        assertCounter(2, skel.maps().packetsByProtocol().map(), Packet.IPPROTO_ICMP);
        assertCounter(0, skel.maps().packetsByProtocol().map(), Packet.IPPROTO_UDP);
    }
}
