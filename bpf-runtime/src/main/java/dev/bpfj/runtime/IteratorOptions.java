package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.Errno;
import dev.bpfj.runtime.internal.libbpf.Environment;
import dev.bpfj.runtime.internal.libbpf.Libc;
import dev.bpfj.runtime.internal.libbpf.LibbpfAttach;
import dev.bpfj.runtime.internal.libbpf.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Parameters of a BPF iterator link, for {@link BpfProgram#iterate(IteratorOptions)} (they fill
 * the kernel's {@code union bpf_iter_link_info}): the map a {@code iter/bpf_map_elem} program walks,
 * the cgroup and order of an {@code iter/cgroup} program, or the one task or process a
 * {@code iter/task}, {@code iter/task_file} or {@code iter/task_vma} program visits. Iterators need
 * Linux 5.8+; map parameters 5.9+, task and cgroup parameters 6.1+.
 */
public final class IteratorOptions {

    /** The walk order of a cgroup iterator ({@code enum bpf_cgroup_iter_order}). */
    public enum CgroupOrder {
        /** Only the given cgroup ({@code BPF_CGROUP_ITER_SELF_ONLY}). */
        SELF_ONLY(1),
        /** The cgroup and its descendants, parents first ({@code BPF_CGROUP_ITER_DESCENDANTS_PRE}). */
        DESCENDANTS_PRE(2),
        /** The cgroup and its descendants, children first ({@code BPF_CGROUP_ITER_DESCENDANTS_POST}). */
        DESCENDANTS_POST(3),
        /** The cgroup and its ancestors up to the root ({@code BPF_CGROUP_ITER_ANCESTORS_UP}). */
        ANCESTORS_UP(4);

        private final int value;

        CgroupOrder(int value) {
            this.value = value;
        }
    }

    private static final long LINK_INFO_SIZE = 16;
    private static final long ATTACH_OPTS_SIZE = 24;
    private static final int O_DIRECTORY_CLOEXEC = 0x10000 | 0x80000;
    private static final IteratorOptions NONE = new IteratorOptions(null, null, null, null, 0, 0);

    private final BpfMap map;
    private final Path cgroup;
    private final CgroupOrder order;
    private final Integer cgroupFd;
    private final int tid;
    private final int pid;

    private IteratorOptions(BpfMap map, Path cgroup, CgroupOrder order, Integer cgroupFd, int tid, int pid) {
        this.map = map;
        this.cgroup = cgroup;
        this.order = order;
        this.cgroupFd = cgroupFd;
        this.tid = tid;
        this.pid = pid;
    }

    /** No parameters: the iterator walks everything of its kind (all tasks, all maps, …). */
    public static IteratorOptions none() {
        return NONE;
    }

    /** The map an {@code iter/bpf_map_elem} (or {@code iter/bpf_sk_storage_map}) program walks. */
    public static IteratorOptions map(BpfMap map) {
        return new IteratorOptions(Objects.requireNonNull(map, "map"), null, null, null, 0, 0);
    }

    /** The cgroup v2 directory an {@code iter/cgroup} program starts at, and the walk order. */
    public static IteratorOptions cgroup(Path cgroupDirectory, CgroupOrder order) {
        return new IteratorOptions(null, Objects.requireNonNull(cgroupDirectory, "cgroupDirectory"),
                Objects.requireNonNull(order, "order"), null, 0, 0);
    }

    /** Like {@link #cgroup(Path, CgroupOrder)} with an open cgroup directory fd (which stays the caller's). */
    public static IteratorOptions cgroupFd(int cgroupFd, CgroupOrder order) {
        if (cgroupFd < 0) {
            throw new IllegalArgumentException("cgroup fd must not be negative, got " + cgroupFd);
        }
        return new IteratorOptions(null, null, Objects.requireNonNull(order, "order"), cgroupFd, 0, 0);
    }

    /** Only the thread {@code tid} for a task iterator. */
    public static IteratorOptions thread(int tid) {
        if (tid <= 0) {
            throw new IllegalArgumentException("thread id must be positive, got " + tid);
        }
        return new IteratorOptions(null, null, null, null, tid, 0);
    }

    /** Only the threads of process {@code pid} for a task iterator. */
    public static IteratorOptions process(int pid) {
        if (pid <= 0) {
            throw new IllegalArgumentException("process id must be positive, got " + pid);
        }
        return new IteratorOptions(null, null, null, null, 0, pid);
    }

    private String describe() {
        if (map != null) {
            return "iterator over map " + map.name();
        }
        if (cgroup != null || cgroupFd != null) {
            return "iterator over cgroup " + (cgroup != null ? cgroup : "fd " + cgroupFd) + " (" + order + ")";
        }
        if (tid != 0) {
            return "iterator over thread " + tid;
        }
        return pid != 0 ? "iterator over process " + pid : "iterator";
    }

    BpfIterator attach(BpfProgram program) {
        program.requireLoadedForAttach("create iterator of program");
        int openedCgroup = -1;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(LINK_INFO_SIZE, 8);
            boolean any = false;
            if (map != null) {
                info.set(ValueLayout.JAVA_INT, 0, map.fd());
                any = true;
            } else if (order != null) {
                int fd = cgroupFd != null ? cgroupFd : (openedCgroup = openCgroup(program, arena));
                info.set(ValueLayout.JAVA_INT, 0, order.value);
                info.set(ValueLayout.JAVA_INT, 4, fd);
                any = true;
            } else if (tid != 0 || pid != 0) {
                info.set(ValueLayout.JAVA_INT, 0, tid);
                info.set(ValueLayout.JAVA_INT, 4, pid);
                any = true;
            }
            boolean withInfo = any;
            BpfLink link = program.attachCall(describe(), (scope, capture, handle) -> {
                MemorySegment opts = MemorySegment.NULL;
                if (withInfo) {
                    opts = scope.allocate(ATTACH_OPTS_SIZE, 8);
                    opts.set(ValueLayout.JAVA_LONG, 0, ATTACH_OPTS_SIZE);
                    opts.set(ValueLayout.ADDRESS, 8, info);
                    opts.set(ValueLayout.JAVA_INT, 16, (int) LINK_INFO_SIZE);
                }
                return LibbpfAttach.bpf_program__attach_iter(capture, handle, opts);
            }, errno -> errno == Errno.EINVAL
                    ? "is it a SEC(\"iter/...\") program, and do the parameters fit its iterator kind (a map for "
                    + "bpf_map_elem, a cgroup for cgroup, a task for task/task_file/task_vma)?"
                    : errno == Errno.ENOENT || errno == Errno.ESRCH ? "no such " + describe().substring("iterator over ".length()) : null);
            return new BpfIterator(link);
        } finally {
            if (openedCgroup >= 0) {
                // The kernel holds its own reference to the cgroup once the link exists.
                try (Arena arena = Arena.ofConfined()) {
                    Libc.close(Native.captureSegment(arena), openedCgroup);
                }
            }
        }
    }

    private int openCgroup(BpfProgram program, Arena arena) {
        if (!Files.isDirectory(cgroup)) {
            throw new BpfException("create iterator of program", program.name() + " over cgroup " + cgroup, Errno.ENOENT,
                    "not a directory; give a cgroup v2 directory such as /sys/fs/cgroup/unified/<name>");
        }
        MemorySegment capture = Native.captureSegment(arena);
        int fd = Libc.open(capture, arena.allocateFrom(cgroup.toString()), O_DIRECTORY_CLOEXEC);
        if (fd < 0) {
            int errno = Native.errno(capture);
            throw new BpfException("open cgroup for iterator of program", program.name() + " at " + cgroup, errno,
                    Environment.hintFor(errno));
        }
        return fd;
    }

    @Override
    public String toString() {
        return "IteratorOptions[" + describe() + "]";
    }
}
