package dev.bpfj.examples.pktcount;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ReportTest {

    @Test
    void rowsNameTheProtocolsThatSawPacketsInNameOrder() {
        Report report = new Report();
        report.set(17, 5, 265);
        report.set(6, 2, 140);
        report.set(Report.SLOT_ARP, 1, 42);
        report.set(58, 0, 0);
        report.set(99, 1, 60);
        assertEquals("""
                > arp                   1             42
                > ip-99                 1             60
                > tcp                   2            140
                > udp                   5            265
                """, report.rows("> "));
    }

    @Test
    void sinceSubtractsAnEarlierReport() {
        Report earlier = new Report();
        earlier.set(17, 5, 265);
        Report now = new Report();
        now.set(17, 7, 371);
        now.set(Report.SLOT_OTHER, 1, 60);
        Report delta = now.since(earlier);
        assertEquals(2, delta.packets(17));
        assertEquals(106, delta.bytes(17));
        assertEquals("other                 1             60\nudp                   2            106\n", delta.rows(""));
    }
}
