package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.Environment;
import dev.bpfj.runtime.internal.libbpf.Errno;
import dev.bpfj.runtime.internal.libbpf.Libbpf;
import dev.bpfj.runtime.internal.libbpf.Libc;
import dev.bpfj.runtime.internal.libbpf.Native;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The system-wide view: every program and map loaded in the kernel (what {@code bpftool prog
 * list} and {@code bpftool map list} show), plus facts about libbpf and the machine.
 */
public final class BpfSystem {

    private static final long PROG_INFO_SIZE = 232;
    private static final long MAP_INFO_SIZE = 88;
    private static final int INITIAL_MAP_IDS = 64;
    // Offsets in struct bpf_prog_info (uapi linux/bpf.h) of the fields added after 5.0.
    private static final long RUN_TIME_NS = 192;
    private static final long RUN_CNT = 200;
    private static final long RECURSION_MISSES = 208;
    private static final long VERIFIED_INSNS = 216;

    private BpfSystem() {
    }

    /** Every program loaded in the kernel, by increasing id; needs root or CAP_SYS_ADMIN. */
    public static List<ProgramInfo> programs() {
        List<ProgramInfo> result = new ArrayList<>();
        for (int id : ids(true)) {
            program(id).ifPresent(result::add);
        }
        return result;
    }

    /** Every map in the kernel, by increasing id; needs root or CAP_SYS_ADMIN. */
    public static List<MapInfo> maps() {
        List<MapInfo> result = new ArrayList<>();
        for (int id : ids(false)) {
            map(id).ifPresent(result::add);
        }
        return result;
    }

    /** The program with kernel id {@code id}, if it still exists. */
    public static Optional<ProgramInfo> program(int id) {
        Native.ensureLibbpf();
        int fd = Libbpf.bpf_prog_get_fd_by_id(id);
        if (fd == -Errno.ENOENT) {
            return Optional.empty();
        }
        if (fd < 0) {
            throw new BpfException("open program by id", String.valueOf(id), -fd, Environment.hintFor(-fd));
        }
        try {
            return Optional.of(programInfo(fd, String.valueOf(id)));
        } finally {
            close(fd);
        }
    }

    /** The map with kernel id {@code id}, if it still exists. */
    public static Optional<MapInfo> map(int id) {
        Native.ensureLibbpf();
        int fd = Libbpf.bpf_map_get_fd_by_id(id);
        if (fd == -Errno.ENOENT) {
            return Optional.empty();
        }
        if (fd < 0) {
            throw new BpfException("open map by id", String.valueOf(id), -fd, Environment.hintFor(-fd));
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(MAP_INFO_SIZE, 8);
            MemorySegment length = arena.allocateFrom(ValueLayout.JAVA_INT, (int) MAP_INFO_SIZE);
            int rc = Libbpf.bpf_obj_get_info_by_fd(fd, info, length);
            if (rc < 0) {
                throw new BpfException("get info of map", String.valueOf(id), -rc, null);
            }
            return Optional.of(mapInfo(info, memlock(fd)));
        } finally {
            close(fd);
        }
    }

    /** The bound libbpf's version, like {@code "1.1"}; fails with an install hint when libbpf is missing. */
    public static String libbpfVersion() {
        return Native.libbpfVersion();
    }

    /** The number of possible CPUs (the size of per-CPU values and perf buffers). */
    public static int possibleCpus() {
        Native.ensureLibbpf();
        return PossibleCpus.COUNT;
    }

    /**
     * The online CPUs below {@code limit}, ascending, as {@code /sys/devices/system/cpu/online}
     * lists them ({@code 0-3,5,7-8}); every CPU below the limit when that file cannot be read.
     */
    static int[] onlineCpus(int limit) {
        String list;
        try {
            list = Files.readString(Path.of("/sys/devices/system/cpu/online")).strip();
        } catch (IOException | RuntimeException unreadable) {
            list = limit > 0 ? "0-" + (limit - 1) : "";
        }
        return parseCpuList(list, limit);
    }

    /** The CPUs of a kernel CPU list ({@code 0-3,5}) below {@code limit}; malformed parts are skipped. */
    static int[] parseCpuList(String list, int limit) {
        boolean[] listed = new boolean[Math.max(0, limit)];
        for (String part : list.split(",")) {
            String range = part.strip();
            int dash = range.indexOf('-');
            try {
                int first = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
                int last = dash < 0 ? first : Integer.parseInt(range.substring(dash + 1));
                for (int cpu = Math.max(0, first); cpu <= last && cpu < listed.length; cpu++) {
                    listed[cpu] = true;
                }
            } catch (NumberFormatException malformed) {
                // An empty list, or text no kernel writes: nothing to add.
            }
        }
        int count = 0;
        for (boolean on : listed) {
            count += on ? 1 : 0;
        }
        int[] cpus = new int[count];
        for (int cpu = 0, next = 0; cpu < listed.length; cpu++) {
            if (listed[cpu]) {
                cpus[next++] = cpu;
            }
        }
        return cpus;
    }

    /** True when the kernel exposes its BTF at {@code /sys/kernel/btf/vmlinux} (needed by CO-RE). */
    public static boolean kernelBtfAvailable() {
        return Environment.kernelBtf();
    }

    private static List<Integer> ids(boolean programs) {
        Native.ensureLibbpf();
        List<Integer> ids = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment next = arena.allocate(ValueLayout.JAVA_INT);
            int current = 0;
            while (true) {
                int rc = programs ? Libbpf.bpf_prog_get_next_id(current, next) : Libbpf.bpf_map_get_next_id(current, next);
                if (rc == -Errno.ENOENT) {
                    return ids;
                }
                if (rc < 0) {
                    throw new BpfException(programs ? "list programs" : "list maps", null, -rc, Environment.hintFor(-rc));
                }
                current = next.get(ValueLayout.JAVA_INT, 0);
                ids.add(current);
            }
        }
    }

    static ProgramInfo programInfo(int fd, String label) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(PROG_INFO_SIZE, 8);
            MemorySegment length = arena.allocate(ValueLayout.JAVA_INT);
            int capacity = INITIAL_MAP_IDS;
            MemorySegment mapIds;
            int mapCount;
            int reported;
            while (true) {
                info.fill((byte) 0);
                mapIds = arena.allocate(ValueLayout.JAVA_INT, capacity);
                info.set(ValueLayout.JAVA_INT, 52, capacity);
                info.set(ValueLayout.JAVA_LONG, 56, mapIds.address());
                length.set(ValueLayout.JAVA_INT, 0, (int) PROG_INFO_SIZE);
                int rc = Libbpf.bpf_obj_get_info_by_fd(fd, info, length);
                if (rc < 0) {
                    throw new BpfException("get info of program", label, -rc, Environment.hintFor(-rc));
                }
                // The kernel writes back how much of the struct it knows; newer fields past that stay unreported.
                reported = length.get(ValueLayout.JAVA_INT, 0);
                mapCount = info.get(ValueLayout.JAVA_INT, 52);
                if (mapCount <= capacity) {
                    break;
                }
                capacity = mapCount;
            }
            List<Integer> ids = new ArrayList<>(mapCount);
            for (int i = 0; i < mapCount; i++) {
                ids.add(mapIds.getAtIndex(ValueLayout.JAVA_INT, i));
            }
            byte[] tag = info.asSlice(8, 8).toArray(ValueLayout.JAVA_BYTE);
            return new ProgramInfo(
                    info.get(ValueLayout.JAVA_INT, 4),
                    ProgramType.of(info.get(ValueLayout.JAVA_INT, 0)),
                    cString(info.asSlice(64, 16)),
                    HexFormat.of().formatHex(tag),
                    wallClock(info.get(ValueLayout.JAVA_LONG, 40)),
                    info.get(ValueLayout.JAVA_INT, 48),
                    Integer.toUnsignedLong(info.get(ValueLayout.JAVA_INT, 20)),
                    Integer.toUnsignedLong(info.get(ValueLayout.JAVA_INT, 16)),
                    memlock(fd),
                    ids,
                    info.get(ValueLayout.JAVA_INT, 128),
                    (info.get(ValueLayout.JAVA_INT, 84) & 1) != 0,
                    reportedLong(info, reported, RUN_TIME_NS),
                    reportedLong(info, reported, RUN_CNT),
                    reportedLong(info, reported, RECURSION_MISSES),
                    reported >= VERIFIED_INSNS + 4 ? Integer.toUnsignedLong(info.get(ValueLayout.JAVA_INT, VERIFIED_INSNS)) : -1);
        }
    }

    /** A {@code __u64} of {@code struct bpf_prog_info}, or -1 when the kernel's struct ends before it. */
    private static long reportedLong(MemorySegment info, int reported, long offset) {
        return reported >= offset + 8 ? info.get(ValueLayout.JAVA_LONG, offset) : -1;
    }

    static MapInfo mapInfo(MemorySegment info, long memlock) {
        return new MapInfo(
                info.get(ValueLayout.JAVA_INT, 4),
                MapType.of(info.get(ValueLayout.JAVA_INT, 0)),
                cString(info.asSlice(24, 16)),
                info.get(ValueLayout.JAVA_INT, 8),
                info.get(ValueLayout.JAVA_INT, 12),
                info.get(ValueLayout.JAVA_INT, 16),
                info.get(ValueLayout.JAVA_INT, 20),
                memlock,
                info.get(ValueLayout.JAVA_INT, 64));
    }

    private static String cString(MemorySegment field) {
        int length = 0;
        while (length < field.byteSize() && field.get(ValueLayout.JAVA_BYTE, length) != 0) {
            length++;
        }
        return new String(field.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    /** Converts nanoseconds on the boot-time clock to wall-clock time. */
    private static Instant wallClock(long bootNanos) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment now = arena.allocate(16, 8);
            if (Libc.clock_gettime(Libc.CLOCK_BOOTTIME, now) != 0) {
                return Instant.EPOCH;
            }
            long bootNow = now.get(ValueLayout.JAVA_LONG, 0) * 1_000_000_000L + now.get(ValueLayout.JAVA_LONG, 8);
            Instant wallNow = Instant.now();
            return wallNow.minusNanos(bootNow - bootNanos);
        }
    }

    /** The memory the kernel charges for a BPF fd, which only fdinfo reports. */
    private static long memlock(int fd) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
                if (line.startsWith("memlock:")) {
                    return Long.parseLong(line.substring("memlock:".length()).trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    private static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            Libc.close(Native.captureSegment(arena), fd);
        }
    }

    /** Asked once: the answer cannot change while the process runs. */
    private static final class PossibleCpus {
        static final int COUNT = count();

        private static int count() {
            int count = Libbpf.libbpf_num_possible_cpus();
            if (count < 0) {
                throw new BpfException("count possible CPUs", null, -count, "cannot read /sys/devices/system/cpu/possible");
            }
            return count;
        }
    }
}
