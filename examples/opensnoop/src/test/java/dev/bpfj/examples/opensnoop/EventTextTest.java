package dev.bpfj.examples.opensnoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.examples.opensnoop.OpensnoopBpf.OpensnoopEvent;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EventTextTest {

    private static String path(OpensnoopEvent event) {
        byte[] bytes = new byte[EventText.pathLength(event)];
        EventText.copyPath(event, bytes.length, bytes, 0);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String comm(OpensnoopEvent event) {
        byte[] bytes = new byte[EventText.commLength(event)];
        EventText.copyComm(event, bytes.length, bytes, 0);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void headerMatchesOpensnoopH() {
        // struct opensnoop_event: 8 + 6 * 4 + comm[16] + 2 * 4, then path[4096]
        assertEquals(32, EventText.COMM_OFFSET);
        assertEquals(16, EventText.COMM_SIZE);
        assertEquals(56, EventText.PATH_OFFSET);
        assertEquals(4096, EventText.PATH_SIZE);
    }

    @Test
    void readsTextAndTheGeneratedViewReadsTheRest() {
        try (Arena arena = Arena.ofConfined()) {
            OpensnoopEvent event = Events.record(arena, 100, 1000, -13, 0101, 0600, 7, "bash", "/tmp/ü.txt", 5);
            assertEquals("bash", comm(event));
            assertEquals("/tmp/ü.txt", path(event));
            assertEquals(100, event.pid());
            assertEquals(101, event.tid());
            assertEquals(-13, event.ret());
            assertEquals(7, event.dfd());
            assertEquals(123_456_789L, event.tsNs());
        }
    }

    @Test
    void fullLengthCommWithoutNul() {
        try (Arena arena = Arena.ofConfined()) {
            OpensnoopEvent event = Events.record(arena, 1, 0, 3, 0, 0, -100, "0123456789abcde", "p", 0);
            // comm(String) keeps a NUL; write all 16 bytes as the kernel can
            event.commBytes("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
            assertEquals("0123456789abcdef", comm(event));
        }
    }

    @Test
    void pathStopsAtTheRecordsEndEvenWhenPathLenClaimsMore() {
        try (Arena arena = Arena.ofConfined()) {
            OpensnoopEvent whole = Events.record(arena, 1, 0, 3, 0, 0, -100, "sh", "/long/path", 0);
            MemorySegment cut = whole.segment().asSlice(0, EventText.PATH_OFFSET + 3);
            assertEquals("/lo", path(new OpensnoopEvent().wrap(cut)));
            whole.pathLen(2);
            assertEquals("/l", path(whole));
        }
    }

    @Test
    void recordShorterThanTheHeaderIsRejectedWithTheSizes() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment record = Events.record(arena, 1, 0, 3, 0, 0, -100, "sh", "/x", 0).segment();
            String message = assertThrows(IllegalArgumentException.class,
                    () -> EventText.checkHeader(record.asSlice(0, 20))).getMessage();
            assertTrue(message.contains("20 bytes") && message.contains("56-byte header"), message);
            EventText.checkHeader(record.asSlice(0, EventText.PATH_OFFSET));
        }
    }

    @Test
    void commContainsComparesBytes() {
        try (Arena arena = Arena.ofConfined()) {
            OpensnoopEvent event = Events.record(arena, 1, 0, 3, 0, 0, -100, "snoopkid", "/x", 0);
            assertTrue(EventText.commContains(event, "oopki".getBytes(StandardCharsets.UTF_8)));
            assertTrue(EventText.commContains(event, "snoopkid".getBytes(StandardCharsets.UTF_8)));
            assertTrue(EventText.commContains(event, new byte[0]));
            assertFalse(EventText.commContains(event, "kids".getBytes(StandardCharsets.UTF_8)));
            assertFalse(EventText.commContains(event, "snoopkid2".getBytes(StandardCharsets.UTF_8)));
        }
    }
}
