package dev.bpfj.junit;

import dev.bpfj.runtime.BpfMap;
import dev.bpfj.runtime.RingBuffer;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the records a program emits into a ring buffer map during test runs. Test runs are
 * synchronous, so every record is in the ring when {@code testRun} returns; {@link #records()}
 * reads them without waiting:
 *
 * <pre>{@code
 * try (RingRecorder events = RingRecorder.of(skel.maps().events().map())) {
 *     prog.testRun(TestRunRequest.ofData(frame));
 *     assertEquals(1, events.records().size());
 * }
 * }</pre>
 */
public final class RingRecorder implements AutoCloseable {

    private final String name;
    private final RingBuffer reader;
    private final List<byte[]> records = new ArrayList<>();

    private RingRecorder(BpfMap map) {
        this.name = map.name();
        this.reader = RingBuffer.builder().add(map, record -> records.add(record.toArray(ValueLayout.JAVA_BYTE))).build();
    }

    /** Starts recording {@code ringBuffer} (a loaded {@code BPF_MAP_TYPE_RINGBUF} map); records already in it are dropped. */
    public static RingRecorder of(BpfMap ringBuffer) {
        RingRecorder recorder = new RingRecorder(ringBuffer);
        recorder.reader.consume();
        recorder.records.clear();
        return recorder;
    }

    /** Every record emitted since the recorder started or was last {@link #clear() cleared}, oldest first (copies). */
    public List<byte[]> records() {
        reader.consume();
        List<byte[]> copy = new ArrayList<>(records.size());
        for (byte[] record : records) {
            copy.add(record.clone());
        }
        return copy;
    }

    /** The records as little/big-endian-aware buffers in the machine's byte order, for reading C structs. */
    public List<ByteBuffer> buffers() {
        List<ByteBuffer> buffers = new ArrayList<>();
        for (byte[] record : records()) {
            buffers.add(ByteBuffer.wrap(record).order(ByteOrder.nativeOrder()));
        }
        return buffers;
    }

    /** Forgets the records collected so far (after reading what is pending). */
    public void clear() {
        reader.consume();
        records.clear();
    }

    /** Stops reading the ring buffer. */
    @Override
    public void close() {
        reader.close();
    }

    @Override
    public String toString() {
        return "RingRecorder[" + name + ", " + records.size() + " records]";
    }
}
