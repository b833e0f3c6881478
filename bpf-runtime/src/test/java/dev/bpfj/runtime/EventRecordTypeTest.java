package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bpfj.runtime.internal.libbpf.LibbpfLog;
import dev.bpfj.test.KernelTest;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * A ring buffer and a perf event array that name their record type with
 * {@code __type(value, struct typed_event)}, as cilium/ebpf programs do: the kernel refuses such
 * maps, so bpfj creates them with the sizes it accepts, without a warning, and the records flow.
 */
@KernelTest(needs = {KernelTest.Facility.CLANG, KernelTest.Facility.TRACEFS})
class EventRecordTypeTest {

    private static final long MARKER = 0x7479706564L;

    @Test
    void eventMapsWithARecordTypeAreCreatedAsTheKernelRequiresAndCarryRecords() {
        List<String> warnings = new ArrayList<>();
        Logger libbpf = Logger.getLogger(LibbpfLog.LOGGER_NAME);
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord logRecord) {
                if (logRecord.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(logRecord.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        libbpf.addHandler(handler);
        try (BpfObject object = Fixtures.open("event_types")) {
            BpfMap ring = object.map("typed_ring");
            BpfMap perf = object.map("typed_perf");
            // dropped at open, before anything else can read or change them
            assertEquals(List.of(0, 0), List.of(ring.keySize(), ring.valueSize()));
            // the perf event array's key size was left out, as cilium/ebpf programs do
            assertEquals(List.of(4, 4), List.of(perf.keySize(), perf.valueSize()));

            object.globalData(".rodata").setInt(0, Fixtures.tgid());
            object.load();
            object.attachAll();
            assertEquals(List.of(), warnings, "libbpf's retry without BTF is expected, not a warning");
            MapInfo ringInfo = ring.info();
            assertEquals(MapType.RINGBUF, ringInfo.type());
            assertEquals(List.of(0, 0, 64 * 1024), List.of(ringInfo.keySize(), ringInfo.valueSize(), ringInfo.maxEntries()));
            MapInfo perfInfo = perf.info();
            assertEquals(List.of(4, 4), List.of(perfInfo.keySize(), perfInfo.valueSize()));

            List<long[]> fromRing = new ArrayList<>();
            List<long[]> fromPerf = new ArrayList<>();
            try (RingBuffer ringReader = RingBuffer.builder().add(ring, record -> fromRing.add(read(record))).build();
                    PerfBuffer perfReader = PerfBuffer.builder(perf).onSample((cpu, data) -> fromPerf.add(read(data))).build()) {
                for (int i = 0; i < 3; i++) {
                    Fixtures.openat("/bpfj-T" + i);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while ((fromRing.size() < 3 || fromPerf.size() < 3) && System.nanoTime() < deadline) {
                    ringReader.poll(Duration.ofMillis(50));
                    perfReader.poll(Duration.ofMillis(50));
                }
            }
            // a perf sample is in the buffer of the CPU that made it: order by seq
            fromPerf.sort((a, b) -> Long.compare(a[0], b[0]));
            for (List<long[]> records : List.of(fromRing, fromPerf)) {
                assertEquals(3, records.size());
                for (int i = 0; i < 3; i++) {
                    assertEquals(List.of((long) i, (long) Fixtures.tgid(), MARKER),
                            List.of(records.get(i)[0], records.get(i)[1], records.get(i)[2]));
                }
            }
        } finally {
            libbpf.removeHandler(handler);
        }
    }

    /** seq, tgid and marker of a struct typed_event (a perf sample is only 4-byte aligned). */
    private static long[] read(MemorySegment record) {
        return new long[] {Integer.toUnsignedLong(record.get(ValueLayout.JAVA_INT, 0)),
                Integer.toUnsignedLong(record.get(ValueLayout.JAVA_INT, 4)), record.get(ValueLayout.JAVA_LONG_UNALIGNED, 8)};
    }
}
