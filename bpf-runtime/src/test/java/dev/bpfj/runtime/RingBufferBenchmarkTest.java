package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bpfj.runtime.internal.libbpf.Libbpf;
import dev.bpfj.runtime.internal.libbpf.Native;
import dev.bpfj.test.KernelTest;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Compares the two ways of consuming a BPF ring buffer that the runtime could use: its pure-Java
 * reader over the mapped ring, and libbpf's {@code ring_buffer__consume} calling a Java upcall
 * per record. Both read the same 200,000 records produced in one burst by the kernel. Prints
 * throughput and allocation (never asserted: timings vary by machine); asserts that both deliver
 * every record with the right content.
 */
@KernelTest(needs = {KernelTest.Facility.CLANG, KernelTest.Facility.TRACEFS})
class RingBufferBenchmarkTest {

    private static final int RECORDS = 200_000;
    private static final int ROUNDS = 7;

    private static long checksum;
    private static int delivered;

    @Test
    @SuppressWarnings("restricted")
    void pureJavaReaderVersusLibbpfUpcall() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (BpfObject object = Fixtures.open("ringbench"); Arena arena = Arena.ofShared()) {
            object.globalData(".rodata").setInt(0, Fixtures.tgid());
            object.globalData(".rodata").setInt(4, RECORDS);
            object.load();
            object.attachAll();
            BpfMap map = object.map("bench_ring");

            RingBuffer java = RingBuffer.builder().add(map, RingBufferBenchmarkTest::handle).build();
            MemorySegment callback = Linker.nativeLinker().upcallStub(
                    MethodHandles.lookup().findStatic(RingBufferBenchmarkTest.class, "upcall",
                            MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class, long.class)),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
                    arena);
            MemorySegment libbpf = Libbpf.ring_buffer__new(Native.captureSegment(arena), map.fd(), callback,
                    MemorySegment.NULL, MemorySegment.NULL);
            try {
                double[] javaRates = new double[ROUNDS];
                double[] libbpfRates = new double[ROUNDS];
                long javaBytes = 0;
                long libbpfBytes = 0;
                for (int round = 0; round < ROUNDS; round++) {
                    fill();
                    long allocated = threads.getCurrentThreadAllocatedBytes();
                    long start = System.nanoTime();
                    int n = java.consume();
                    long elapsed = System.nanoTime() - start;
                    javaBytes = threads.getCurrentThreadAllocatedBytes() - allocated;
                    check(n);
                    javaRates[round] = n * 1e9 / elapsed;

                    fill();
                    allocated = threads.getCurrentThreadAllocatedBytes();
                    start = System.nanoTime();
                    int m = Libbpf.ring_buffer__consume(libbpf);
                    elapsed = System.nanoTime() - start;
                    libbpfBytes = threads.getCurrentThreadAllocatedBytes() - allocated;
                    check(m);
                    libbpfRates[round] = m * 1e9 / elapsed;
                }
                System.out.printf("ring buffer, %d records of 64 bytes, median of %d rounds:%n", RECORDS, ROUNDS);
                System.out.printf("  pure Java reader:        %.1f M records/s, %d bytes allocated in the last round%n",
                        median(javaRates) / 1e6, javaBytes);
                System.out.printf("  libbpf + FFM upcall:     %.1f M records/s, %d bytes allocated in the last round%n",
                        median(libbpfRates) / 1e6, libbpfBytes);
            } finally {
                Libbpf.ring_buffer__free(libbpf);
                java.close();
            }
        }
    }

    private static void fill() {
        checksum = 0;
        delivered = 0;
        Fixtures.openat("/bpfj-bench");
    }

    private static void check(int count) {
        assertEquals(RECORDS, count);
        assertEquals(RECORDS, delivered);
        long expected = 0;
        for (long i = 0; i < RECORDS; i++) {
            expected += i + (i + 6);
        }
        assertEquals(expected, checksum);
    }

    private static void handle(MemorySegment record) {
        checksum += record.get(ValueLayout.JAVA_LONG, 0) + record.get(ValueLayout.JAVA_LONG, 56);
        delivered++;
    }

    @SuppressWarnings("restricted")
    private static int upcall(MemorySegment context, MemorySegment data, long size) {
        handle(data.reinterpret(size));
        return 0;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
