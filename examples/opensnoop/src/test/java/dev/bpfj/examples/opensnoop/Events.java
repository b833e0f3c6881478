package dev.bpfj.examples.opensnoop;

import dev.bpfj.examples.opensnoop.OpensnoopBpf.OpensnoopEvent;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/** Builds records the way opensnoop.bpf.c sends them: the header, then only path_len bytes of path. */
final class Events {

    private Events() {
    }

    /**
     * A record with these fields; {@code padding} extra zero bytes follow the path, as a perf
     * sample's alignment adds them.
     */
    static OpensnoopEvent record(Arena arena, int pid, int uid, int ret, int flags, int mode, int dfd, String comm,
            String path, int padding) {
        byte[] pathBytes = (path + "\0").getBytes(StandardCharsets.UTF_8);
        MemorySegment record = arena.allocate(EventText.PATH_OFFSET + pathBytes.length + padding, 8);
        OpensnoopEvent event = new OpensnoopEvent().wrap(record);
        event.tsNs(123_456_789L).pid(pid).tid(pid + 1).uid(uid).ret(ret).flags(flags).mode(mode).dfd(dfd)
                .comm(comm).pathLen(pathBytes.length);
        MemorySegment.copy(MemorySegment.ofArray(pathBytes), 0, record, EventText.PATH_OFFSET, pathBytes.length);
        return event;
    }
}
