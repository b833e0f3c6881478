package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TracePipeTest {

    @Test
    void parsesTracePipeLines() {
        TraceRecord record = TraceRecord.parse(
                "            java-12345   [001] d..31  4567.123456: bpf_trace_printk: bpfj-marker 42");
        assertNotNull(record);
        assertEquals(new TraceRecord("java", 12345, 1, "d..31", 4567.123456, "bpfj-marker 42"), record);
        TraceRecord dashes = TraceRecord.parse(" kworker/u8:2-ev-99 (   99) [000] .... 12.5: other_event: text");
        assertNotNull(dashes);
        assertEquals("kworker/u8:2-ev", dashes.task());
        assertEquals(99, dashes.pid());
        assertEquals("other_event: text", dashes.message());
        assertNull(TraceRecord.parse("CPU:1 [LOST 3 EVENTS]"));
    }

    @Test
    @KernelTest(needs = {KernelTest.Facility.CLANG, KernelTest.Facility.TRACEFS})
    void seesBpfPrintkFromATestProgram() {
        long marker = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        try (BpfObject object = Fixtures.open("printk"); TracePipe pipe = TracePipe.open()) {
            object.globalData(".rodata").setInt(0, Fixtures.tgid());
            object.globalData(".rodata").setLong(8, marker);
            object.load();
            object.attachAll();
            Fixtures.openat("/bpfj-printk");
            String expected = "bpfj-marker " + marker;
            TraceRecord found = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (found == null && System.nanoTime() < deadline) {
                TraceRecord record = pipe.next(Duration.ofMillis(200));
                // Other programs on the machine may print too: only our marker counts.
                if (record != null && record.message().equals(expected)) {
                    found = record;
                }
            }
            assertNotNull(found, "no trace_pipe line with " + expected);
            assertFalse(found.task().isEmpty());
            assertTrue(found.pid() > 0);
            assertTrue(found.timestamp() > 0);
        }
    }

    @Test
    @KernelTest(needs = KernelTest.Facility.TRACEFS)
    void closeFromAnotherThreadWakesTheReader() throws Exception {
        TracePipe pipe = TracePipe.open();
        CompletableFuture<TraceRecord> reader = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            // Lines printed by others may arrive; keep reading until the close ends it with null.
            TraceRecord record;
            do {
                record = pipe.next(Duration.ofSeconds(60));
            } while (record != null);
            reader.complete(null);
        });
        Thread.sleep(200);
        pipe.close();
        assertNull(reader.get(10, TimeUnit.SECONDS));
        pipe.close();
    }
}
