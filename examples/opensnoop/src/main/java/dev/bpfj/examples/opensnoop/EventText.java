package dev.bpfj.examples.opensnoop;

import dev.bpfj.examples.opensnoop.OpensnoopBpf.OpensnoopEvent;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Reads the two text fields of an event, {@code comm} and {@code path}, as raw bytes straight
 * from the record, without the {@code String} and {@code byte[]} the generated view's
 * {@code comm()} and {@code path()} allocate. The tool prints these bytes as they are (as the
 * classic tool does), so nothing on the per-event path has to decode text.
 *
 * <p>The field offsets come from the generated {@link OpensnoopEvent#LAYOUT}, which the skeleton
 * takes from the object's BTF, so they follow {@code opensnoop.h} without a hand-kept copy.
 */
final class EventText {

    /** Where {@code char comm[16]} starts in the event. */
    static final long COMM_OFFSET = offsetOf("comm");
    /** {@code sizeof(comm)}: the kernel's TASK_COMM_LEN. */
    static final int COMM_SIZE = (int) OpensnoopEvent.LAYOUT.select(PathElement.groupElement("comm")).byteSize();
    /**
     * Where {@code char path[]} starts: also the size of the header every record has, since the
     * BPF program sends only the used part of the path after it.
     */
    static final long PATH_OFFSET = offsetOf("path");
    /** {@code sizeof(path)}: PATH_MAX. */
    static final int PATH_SIZE = (int) OpensnoopEvent.LAYOUT.select(PathElement.groupElement("path")).byteSize();

    private EventText() {
    }

    private static long offsetOf(String field) {
        return OpensnoopEvent.LAYOUT.byteOffset(PathElement.groupElement(field));
    }

    /**
     * Checks that a record holds at least the fixed header, so that every getter of the view reads
     * inside it.
     *
     * @param record the record as the ring or perf buffer delivered it
     * @throws IllegalArgumentException when it is shorter: object and tool do not match
     */
    static void checkHeader(MemorySegment record) {
        if (record.byteSize() < PATH_OFFSET) {
            throw new IllegalArgumentException("opensnoop event of " + record.byteSize() + " bytes is shorter than its "
                    + PATH_OFFSET + "-byte header: the BPF object and the tool do not match; rebuild both");
        }
    }

    /**
     * The length of the command name: up to its NUL, at most {@link #COMM_SIZE} bytes.
     *
     * @param event a view of a record at least {@link #PATH_OFFSET} bytes long
     * @return the number of bytes of the name
     */
    static int commLength(OpensnoopEvent event) {
        return textLength(event.segment(), event.offset() + COMM_OFFSET, COMM_SIZE);
    }

    /**
     * The length of the path: up to its NUL, within both {@code path_len} and the record's end
     * (a perf sample is padded, a damaged one could claim more than it carries).
     *
     * @param event a view of a record at least {@link #PATH_OFFSET} bytes long
     * @return the number of bytes of the path
     */
    static int pathLength(OpensnoopEvent event) {
        long inRecord = event.segment().byteSize() - event.offset() - PATH_OFFSET;
        long max = Math.min(Math.min(inRecord, PATH_SIZE), Integer.toUnsignedLong(event.pathLen()));
        return textLength(event.segment(), event.offset() + PATH_OFFSET, (int) Math.max(0, max));
    }

    /** Copies {@code length} bytes of the command name into {@code target} at {@code at}. */
    static void copyComm(OpensnoopEvent event, int length, byte[] target, int at) {
        MemorySegment.copy(event.segment(), ValueLayout.JAVA_BYTE, event.offset() + COMM_OFFSET, target, at, length);
    }

    /** Copies {@code length} bytes of the path into {@code target} at {@code at}. */
    static void copyPath(OpensnoopEvent event, int length, byte[] target, int at) {
        MemorySegment.copy(event.segment(), ValueLayout.JAVA_BYTE, event.offset() + PATH_OFFSET, target, at, length);
    }

    /**
     * Whether the command name contains {@code needle} (option {@code -n}), compared byte by byte.
     *
     * @param event  the event
     * @param needle the UTF-8 bytes to look for; empty matches everything
     * @return true when found
     */
    static boolean commContains(OpensnoopEvent event, byte[] needle) {
        MemorySegment segment = event.segment();
        long comm = event.offset() + COMM_OFFSET;
        int length = commLength(event);
        outer:
        for (int start = 0; start + needle.length <= length; start++) {
            for (int i = 0; i < needle.length; i++) {
                if (segment.get(ValueLayout.JAVA_BYTE, comm + start + i) != needle[i]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static int textLength(MemorySegment segment, long offset, int max) {
        int length = 0;
        while (length < max && segment.get(ValueLayout.JAVA_BYTE, offset + length) != 0) {
            length++;
        }
        return length;
    }
}
