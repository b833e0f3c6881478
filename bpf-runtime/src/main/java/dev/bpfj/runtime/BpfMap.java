package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.Environment;
import dev.bpfj.runtime.internal.libbpf.Errno;
import dev.bpfj.runtime.internal.libbpf.Libbpf;
import dev.bpfj.runtime.internal.libbpf.LibbpfAttach;
import dev.bpfj.runtime.internal.libbpf.Libc;
import dev.bpfj.runtime.internal.libbpf.Native;
import dev.bpfj.runtime.internal.libbpf.Scratch;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A BPF map: either one of a {@link BpfObject}'s maps (owned by the object) or a standalone map
 * from {@link #create} or {@link #openPinned} (owned by the caller, who closes it).
 *
 * <p>Element operations take keys and values as {@link MemorySegment}s of exactly the map's key
 * size and {@link #valueBufferSize()}; heap segments ({@code MemorySegment.ofArray}) work too.
 * The {@code long} methods are allocation-free fast paths for maps with integer keys and values,
 * and {@link #typed} gives a {@link Codec}-driven view. Per-CPU maps read and write one value per
 * possible CPU, each padded to 8 bytes.
 */
public final class BpfMap implements AutoCloseable {

    private static final Cleaner CLEANER = Cleaner.create();
    private static final long MAP_CREATE_OPTS_SIZE = 48;
    private static final long MAP_INFO_SIZE = 88;
    /** Bytes of keys and values one batch lookup may fill (see initialBatchCapacity). */
    private static final long BATCH_BUFFER_BYTES = 256 * 1024;

    private final BpfObject object;
    private final MemorySegment handle;
    private final String name;
    private final Cleaner.Cleanable cleanable;
    private final AtomicInteger ownedFd;
    private volatile MapType type;
    private volatile int keySize;
    private volatile int valueSize;
    private volatile int maxEntries;
    private volatile int flags;
    private volatile int fd = -1;
    private final int possibleCpus;
    /** Holds the fd open across each native call; see {@link UseGuard}. */
    private final UseGuard guard = new UseGuard(this::closedMessage);

    /** A map of an object, described by libbpf. */
    BpfMap(BpfObject object, MemorySegment handle) {
        this.object = object;
        this.handle = handle;
        this.name = Native.string(Libbpf.bpf_map__name(handle));
        this.cleanable = null;
        this.ownedFd = null;
        this.possibleCpus = BpfSystem.possibleCpus();
        describe();
    }

    /** A standalone map whose fd the new instance owns. */
    private BpfMap(int fd, String name, MapType type, int keySize, int valueSize, int maxEntries, int flags) {
        this.object = null;
        this.handle = MemorySegment.NULL;
        this.name = name;
        this.type = type;
        this.keySize = keySize;
        this.valueSize = valueSize;
        this.maxEntries = maxEntries;
        this.flags = flags;
        this.fd = fd;
        this.possibleCpus = BpfSystem.possibleCpus();
        this.ownedFd = new AtomicInteger(fd);
        AtomicInteger owned = ownedFd;
        this.cleanable = CLEANER.register(this, () -> closeFd(owned));
    }

    private void describe() {
        type = MapType.of(Libbpf.bpf_map__type(handle));
        keySize = Libbpf.bpf_map__key_size(handle);
        valueSize = Libbpf.bpf_map__value_size(handle);
        maxEntries = Libbpf.bpf_map__max_entries(handle);
        flags = Libbpf.bpf_map__map_flags(handle);
    }

    /** Called by the object after load: sizes may have been adjusted, and the fd exists now. */
    void loaded() {
        describe();
        fd = Libbpf.bpf_map__fd(handle);
    }

    /** Called by the object when it closes, before libbpf releases anything: waits for calls in flight. */
    void closeGuard() {
        guard.close();
    }

    /** Called by the object when it closes. */
    void closed() {
        fd = -1;
    }

    private String closedMessage() {
        return object == null ? "map " + name + " is closed"
                : "cannot use map " + name + " of object " + object.name() + ": the object is closed";
    }

    /**
     * Enters the map's {@link UseGuard} and returns its fd, which stays this map's until
     * {@link #exitFd()}: every native call on the map goes between the two.
     *
     * @throws IllegalStateException when the map is closed or its object not loaded
     */
    int enterFd() {
        guard.enter();
        int current = fd;
        if (current < 0) {
            guard.exit();
            throw notUsable();
        }
        return current;
    }

    /** Leaves the guard entered by {@link #enterFd()}. */
    void exitFd() {
        guard.exit();
    }

    /**
     * Creates a standalone map with {@code bpf_map_create}; the caller owns it and must close it.
     *
     * @param name the map's name in the kernel (at most 15 characters are kept)
     */
    public static BpfMap create(MapType type, String name, int keySize, int valueSize, int maxEntries) {
        return create(type, name, keySize, valueSize, maxEntries, 0);
    }

    /**
     * Like {@link #create(MapType, String, int, int, int)} with {@code map_flags}, for example
     * {@code BPF_F_NO_PREALLOC} (1), which {@code LPM_TRIE} maps require.
     */
    public static BpfMap create(MapType type, String name, int keySize, int valueSize, int maxEntries, int flags) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        if (type == MapType.UNKNOWN || type == MapType.UNSPEC) {
            throw new IllegalArgumentException("cannot create map " + name + " of type " + type);
        }
        Native.ensureLibbpf();
        if (!Environment.privileged()) {
            throw new BpfException("create map", name, Errno.EPERM, Environment.PRIVILEGE_HINT);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = arena.allocate(MAP_CREATE_OPTS_SIZE, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, MAP_CREATE_OPTS_SIZE);
            opts.set(ValueLayout.JAVA_INT, 28, flags);
            String kernelName = name.length() > 15 ? name.substring(0, 15) : name;
            int fd = Libbpf.bpf_map_create(type.value(), arena.allocateFrom(kernelName), keySize, valueSize, maxEntries, opts);
            if (fd < 0) {
                throw new BpfException("create map", name + " (" + type + ", key " + keySize + " bytes, value "
                        + valueSize + " bytes, " + maxEntries + " entries)", -fd, Environment.hintFor(-fd));
            }
            return new BpfMap(fd, kernelName, type, keySize, valueSize, maxEntries, flags);
        }
    }

    /** Opens a map pinned on bpffs; the caller owns the returned map and must close it. */
    public static BpfMap openPinned(Path path) {
        Objects.requireNonNull(path, "path");
        Native.ensureLibbpf();
        if (!Files.exists(path)) {
            throw new BpfException("open pinned map", path.toString(), Errno.ENOENT,
                    "nothing is pinned there (is bpffs mounted at /sys/fs/bpf?)");
        }
        try (Arena arena = Arena.ofConfined()) {
            int fd = Libbpf.bpf_obj_get(arena.allocateFrom(path.toString()));
            if (fd < 0) {
                throw new BpfException("open pinned map", path.toString(), -fd, Environment.hintFor(-fd));
            }
            MemorySegment info = arena.allocate(MAP_INFO_SIZE, 8);
            MemorySegment length = arena.allocateFrom(ValueLayout.JAVA_INT, (int) MAP_INFO_SIZE);
            int rc = Libbpf.bpf_obj_get_info_by_fd(fd, info, length);
            if (rc < 0) {
                closeFd(new AtomicInteger(fd));
                throw new BpfException("open pinned map", path + " (is it a map?)", -rc, null);
            }
            MapInfo mapInfo = BpfSystem.mapInfo(info, -1);
            return new BpfMap(fd, mapInfo.name(), mapInfo.type(), mapInfo.keySize(), mapInfo.valueSize(),
                    mapInfo.maxEntries(), mapInfo.flags());
        }
    }

    /** The map's name (for global sections libbpf's name, like {@code opensnoo.rodata}). */
    public String name() {
        return name;
    }

    /** The map type. */
    public MapType type() {
        return type;
    }

    /** Key size in bytes. */
    public int keySize() {
        return keySize;
    }

    /** Value size in bytes (of one CPU's value for per-CPU maps). */
    public int valueSize() {
        return valueSize;
    }

    /** Maximum number of entries (for ring buffers, the ring's size in bytes). */
    public int maxEntries() {
        return maxEntries;
    }

    /**
     * Sets the map's maximum number of entries before the object is loaded, overriding the value
     * compiled into the object: for example to size a ring buffer ({@code max_entries} is then its
     * size in bytes) to the expected load. libbpf rounds a ring buffer's size up to a power-of-two
     * multiple of the page size; {@link #maxEntries()} reports the value that will be used.
     *
     * @throws IllegalArgumentException when {@code maxEntries} is not positive
     * @throws IllegalStateException    once the object is loaded or closed, or for a standalone map
     */
    public void maxEntries(int maxEntries) {
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("max_entries of map " + name + " must be positive, got " + maxEntries);
        }
        resize("max_entries", maxEntries, Libbpf::bpf_map__set_max_entries);
    }

    /**
     * Sets the key size in bytes before the object is loaded (for maps whose C definition leaves
     * it to user space). Not for the maps behind global sections.
     *
     * @throws IllegalArgumentException when {@code keySize} is not positive or the map holds a global section
     * @throws IllegalStateException    once the object is loaded or closed, or for a standalone map
     */
    public void keySize(int keySize) {
        if (keySize <= 0) {
            throw new IllegalArgumentException("key_size of map " + name + " must be positive, got " + keySize);
        }
        requireNotGlobalSection("key_size");
        resize("key_size", keySize, Libbpf::bpf_map__set_key_size);
    }

    /**
     * Sets the value size in bytes before the object is loaded. Not for the maps behind global
     * sections, whose size is the size of the C variables in them.
     *
     * @throws IllegalArgumentException when {@code valueSize} is not positive or the map holds a global section
     * @throws IllegalStateException    once the object is loaded or closed, or for a standalone map
     */
    public void valueSize(int valueSize) {
        if (valueSize <= 0) {
            throw new IllegalArgumentException("value_size of map " + name + " must be positive, got " + valueSize);
        }
        requireNotGlobalSection("value_size");
        resize("value_size", valueSize, Libbpf::bpf_map__set_value_size);
    }

    /**
     * Gives an event map the key and value sizes the kernel accepts, whatever its C definition
     * says: a ring buffer gets none, a perf event array 4-byte ones (a CPU index and a perf event
     * fd). cilium/ebpf programs name their record type with {@code __type(value, struct event)} on
     * these maps (bpf2go makes a Go type of it, and cilium/ebpf's loader drops it), and leave a
     * perf event array's sizes out (its loader fills them in); libbpf passes both on as they are and
     * the kernel refuses the map with EINVAL. bpfj keeps the type for the skeleton and fixes the
     * sizes here, at open.
     *
     * @return true when libbpf will first try to create the map with the value's BTF type and,
     *         refused, retry without BTF (a ring buffer whose value has a type): its warning
     *         about that is expected
     */
    boolean fitEventMapSizes() {
        int wanted;
        if (type == MapType.RINGBUF || type == MapType.USER_RINGBUF) {
            wanted = 0;
        } else if (type == MapType.PERF_EVENT_ARRAY) {
            wanted = Integer.BYTES;
        } else {
            return false;
        }
        if (keySize == wanted && valueSize == wanted) {
            return false;
        }
        // libbpf creates perf event arrays without BTF types; a ring buffer keeps its value's.
        boolean retried = wanted == 0
                && (Libbpf.bpf_map__btf_value_type_id(handle) != 0 || Libbpf.bpf_map__btf_key_type_id(handle) != 0);
        setSize(wanted, keySize, Libbpf::bpf_map__set_key_size);
        setSize(wanted, valueSize, Libbpf::bpf_map__set_value_size);
        describe();
        return retried;
    }

    private void setSize(int wanted, int current, SizeSetter setter) {
        if (wanted != current) {
            int rc = setter.set(handle, wanted);
            if (rc < 0) {
                throw new BpfException("open map", name + " of object " + object.name(), -rc,
                        "libbpf refused to give this event map the sizes the kernel needs");
            }
        }
    }

    /** A libbpf {@code bpf_map__set_*} function. */
    @FunctionalInterface
    private interface SizeSetter {
        int set(MemorySegment map, int value);
    }

    private void requireNotGlobalSection(String what) {
        if (object != null && isInternal()) {
            throw new IllegalArgumentException("cannot set " + what + " of map " + name + " of object " + object.name()
                    + ": it holds a global section, whose layout the compiled C code fixes");
        }
    }

    private boolean isInternal() {
        guard.enter();
        try {
            return Libbpf.bpf_map__is_internal(handle);
        } finally {
            guard.exit();
        }
    }

    private void resize(String what, int value, SizeSetter setter) {
        if (object == null) {
            throw new IllegalStateException("cannot set " + what + " of map " + name
                    + ": it exists in the kernel already (a standalone map gets its sizes from BpfMap.create)");
        }
        // The object's monitor also guards load(), so the phase cannot change under the call.
        synchronized (object) {
            object.requirePhase(BpfObject.Phase.OPENED, "set " + what + " of map " + name + " of object " + object.name());
            int rc = setter.set(handle, value);
            if (rc < 0) {
                throw new BpfException("set " + what + " of map", name + " of object " + object.name(), -rc, null);
            }
            describe();
        }
    }

    /** The {@code map_flags} the map was created with. */
    public int flags() {
        return flags;
    }

    /** The object this map belongs to, or null for a standalone map. */
    public BpfObject object() {
        return object;
    }

    /** True for per-CPU map types. */
    public boolean perCpu() {
        return type.perCpu();
    }

    /** The number of possible CPUs: the number of values a per-CPU lookup returns. */
    public int possibleCpus() {
        return possibleCpus;
    }

    /** The size of the value buffer element operations expect: the value size, or for per-CPU maps one 8-byte-aligned value per possible CPU. */
    public long valueBufferSize() {
        return perCpu() ? perCpuStride() * possibleCpus : valueSize;
    }

    private long perCpuStride() {
        return (valueSize + 7L) & ~7L;
    }

    /**
     * The map's file descriptor; for maps of an object only after load. It stays this map's only
     * while the map is open: a caller that passes it to native code itself must not race
     * {@link #close()} (the map's own methods hold it open for the length of each call).
     */
    public int fd() {
        int current = fd;
        if (current < 0) {
            throw notUsable();
        }
        return current;
    }

    private IllegalStateException notUsable() {
        if (object == null) {
            return new IllegalStateException("map " + name + " is closed");
        }
        return new IllegalStateException("cannot use map " + name + " of object " + object.name() + ": "
                + (object.phase() == BpfObject.Phase.OPENED ? "the object is not loaded yet (call load() first)"
                : "the object is closed"));
    }

    // ---- element operations on segments ----

    /**
     * Looks {@code key} up and copies its value into {@code value}.
     *
     * @return false when the key is absent
     */
    public boolean lookup(MemorySegment key, MemorySegment value) {
        checkKey(key);
        checkValue(value);
        checkWritable(value, "value");
        return lookupUnchecked(key, value);
    }

    private boolean lookupUnchecked(MemorySegment key, MemorySegment value) {
        int mapFd = enterFd();
        int rc;
        try {
            rc = Libbpf.bpf_map_lookup_elem(mapFd, key, value);
        } finally {
            guard.exit();
        }
        return found(rc, "look up an element of map");
    }

    /** A libbpf result where ENOENT means "no such element" (false); other errors throw. */
    private boolean found(int rc, String operation) {
        if (rc == -Errno.ENOENT) {
            return false;
        }
        if (rc < 0) {
            throw failure(operation, -rc);
        }
        return true;
    }

    /** Creates or replaces the element {@code key}. */
    public void update(MemorySegment key, MemorySegment value) {
        update(key, value, UpdateFlag.ANY);
    }

    /**
     * Writes the element {@code key} as {@code flag} says.
     *
     * @throws BpfException EEXIST for {@link UpdateFlag#NOEXIST} on a present key, ENOENT for
     *                      {@link UpdateFlag#EXIST} on an absent one, E2BIG when the map is full
     */
    public void update(MemorySegment key, MemorySegment value, UpdateFlag flag) {
        checkKey(key);
        checkValue(value);
        updateUnchecked(key, value, flag);
    }

    private void updateUnchecked(MemorySegment key, MemorySegment value, UpdateFlag flag) {
        int mapFd = enterFd();
        int rc;
        try {
            rc = Libbpf.bpf_map_update_elem(mapFd, key, value, flag.value());
        } finally {
            guard.exit();
        }
        if (rc < 0) {
            throw failure("update an element of map", -rc);
        }
    }

    /**
     * Deletes the element {@code key}.
     *
     * @return false when the key was absent
     */
    public boolean delete(MemorySegment key) {
        checkKey(key);
        return deleteUnchecked(key);
    }

    private boolean deleteUnchecked(MemorySegment key) {
        int mapFd = enterFd();
        int rc;
        try {
            rc = Libbpf.bpf_map_delete_elem(mapFd, key);
        } finally {
            guard.exit();
        }
        return found(rc, "delete an element of map");
    }

    /**
     * Copies the element {@code key} into {@code value} and deletes it atomically; for queue and
     * stack maps pass {@link MemorySegment#NULL} as the key to pop.
     *
     * @return false when there was no such element
     */
    public boolean lookupAndDelete(MemorySegment key, MemorySegment value) {
        if (!key.equals(MemorySegment.NULL) || keySize != 0) {
            checkKey(key);
        }
        checkValue(value);
        checkWritable(value, "value");
        int mapFd = enterFd();
        int rc;
        try {
            rc = Libbpf.bpf_map_lookup_and_delete_elem(mapFd, key, value);
        } finally {
            guard.exit();
        }
        return found(rc, "look up and delete an element of map");
    }

    /**
     * Writes the key after {@code key} into {@code next}; {@code key} {@link MemorySegment#NULL}
     * gives the first key.
     *
     * @return false when there is no further key
     */
    public boolean nextKey(MemorySegment key, MemorySegment next) {
        if (!key.equals(MemorySegment.NULL)) {
            checkKey(key);
        }
        checkKey(next);
        checkWritable(next, "next key");
        return nextKeyUnchecked(key, next);
    }

    private boolean nextKeyUnchecked(MemorySegment key, MemorySegment next) {
        int mapFd = enterFd();
        int rc;
        try {
            rc = Libbpf.bpf_map_get_next_key(mapFd, key, next);
        } finally {
            guard.exit();
        }
        return found(rc, "iterate the keys of map");
    }

    /** Calls {@code action} with every key; the segment is valid only during the call. */
    public void forEachKey(Consumer<MemorySegment> action) {
        fd();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment current = arena.allocate(Math.max(1, keySize), 8).asSlice(0, keySize);
            MemorySegment next = arena.allocate(Math.max(1, keySize), 8).asSlice(0, keySize);
            // One read-only view for every call: the loop allocates nothing per key.
            MemorySegment view = current.asReadOnly();
            MemorySegment previous = MemorySegment.NULL;
            while (nextKeyUnchecked(previous, next)) {
                current.copyFrom(next);
                action.accept(view);
                previous = current;
            }
        }
    }

    /**
     * Calls {@code action} with every key and value; the segments are valid only during the call.
     * Uses the kernel's batch lookup where the map supports it, one lookup per key otherwise.
     */
    public void forEach(BiConsumer<MemorySegment, MemorySegment> action) {
        fd();
        if (forEachBatched(action, initialBatchCapacity()) < 0) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment value = arena.allocate(Math.max(1, valueBufferSize()), 8).asSlice(0, valueBufferSize());
                MemorySegment valueView = value.asReadOnly();
                forEachKey(key -> {
                    if (lookupUnchecked(key, value)) {
                        action.accept(key, valueView);
                    }
                });
            }
        }
    }

    /** True for the map types whose kernel side implements {@code BPF_MAP_LOOKUP_BATCH}. */
    private boolean batchable() {
        return type == MapType.HASH || type == MapType.PERCPU_HASH || type == MapType.LRU_HASH
                || type == MapType.LRU_PERCPU_HASH || type == MapType.ARRAY || type == MapType.PERCPU_ARRAY;
    }

    /**
     * Elements per batch to start with: the whole map when its keys and values fit in
     * {@code BATCH_BUFFER_BYTES}, fewer otherwise. Each batch is a system call, and that call
     * dominates the cost of an iteration, so a large batch matters more than the buffer's size.
     */
    private int initialBatchCapacity() {
        long entryBytes = (long) keySize + valueBufferSize();
        long fitting = Math.max(1, BATCH_BUFFER_BYTES / Math.max(1, entryBytes));
        return (int) Math.max(1, Math.min(Math.max(1, maxEntries), fitting));
    }

    /**
     * Batch iteration starting with room for {@code capacity} elements per call.
     *
     * @return the capacity the iteration ended with (larger than asked when a hash bucket did not
     *         fit), or -1, having called nothing, when the kernel or the map lacks batch lookups
     */
    int forEachBatched(BiConsumer<MemorySegment, MemorySegment> action, int capacity) {
        if (!batchable()) {
            return -1;
        }
        if (capacity <= 0) {
            throw new IllegalArgumentException("batch capacity for map " + name + " must be positive, got " + capacity);
        }
        long keyBytes = keySize;
        long valueBytes = valueBufferSize();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment keys = arena.allocate(Math.max(1, keyBytes * capacity), 8);
            MemorySegment values = arena.allocate(Math.max(1, valueBytes * capacity), 8);
            // The batch cursor is opaque: a key for arrays, a bucket index for hashes.
            long tokenSize = Math.max(8, keyBytes);
            MemorySegment in = arena.allocate(tokenSize, 8);
            MemorySegment out = arena.allocate(tokenSize, 8);
            MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment opts = arena.allocate(24, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, 24);
            // Every element is copied into this one key and value and handed over through the same
            // two read-only views: a few bytes of copying instead of two or four segment objects
            // per element, so the loop allocates nothing whatever the action does with them.
            MemorySegment key = arena.allocate(Math.max(1, keyBytes), 8).asSlice(0, keyBytes);
            MemorySegment value = arena.allocate(Math.max(1, valueBytes), 8).asSlice(0, valueBytes);
            MemorySegment keyView = key.asReadOnly();
            MemorySegment valueView = value.asReadOnly();
            boolean first = true;
            while (true) {
                count.set(ValueLayout.JAVA_INT, 0, capacity);
                int rc;
                int mapFd = enterFd();
                try {
                    rc = Libbpf.bpf_map_lookup_batch(mapFd, first ? MemorySegment.NULL : in, out, keys, values, count, opts);
                } finally {
                    guard.exit();
                }
                if (rc == -Errno.ENOSPC) {
                    // A hash map hands out whole buckets only; ENOSPC means the next bucket holds
                    // more elements than the buffers, and nothing was copied. Grow and ask again
                    // from the same cursor. A bucket cannot hold more than the map's elements.
                    if (capacity >= Math.max(1, maxEntries)) {
                        throw failure("look up a batch of elements of map", Errno.ENOSPC);
                    }
                    capacity = (int) Math.min(Math.max(1, maxEntries), 2L * capacity);
                    keys = arena.allocate(Math.max(1, keyBytes * capacity), 8);
                    values = arena.allocate(Math.max(1, valueBytes * capacity), 8);
                    continue;
                }
                boolean last = rc == -Errno.ENOENT;
                if (rc < 0 && !last) {
                    if (first && (rc == -Errno.EINVAL || rc == -Errno.ENOTSUPP || rc == -Errno.EOPNOTSUPP)) {
                        return -1;
                    }
                    throw failure("look up a batch of elements of map", -rc);
                }
                deliver(action, keys, values, count.get(ValueLayout.JAVA_INT, 0), keyBytes, valueBytes,
                        key, value, keyView, valueView);
                if (last) {
                    return capacity;
                }
                in.copyFrom(out);
                first = false;
            }
        }
    }

    /**
     * Hands {@code n} batched elements to {@code action}. A small method of its own so that the
     * JIT compiles and inlines the per-element loop early, apart from the setup around it.
     */
    private static void deliver(BiConsumer<MemorySegment, MemorySegment> action, MemorySegment keys,
            MemorySegment values, int n, long keyBytes, long valueBytes, MemorySegment key, MemorySegment value,
            MemorySegment keyView, MemorySegment valueView) {
        for (int i = 0; i < n; i++) {
            MemorySegment.copy(keys, i * keyBytes, key, 0, keyBytes);
            MemorySegment.copy(values, i * valueBytes, value, 0, valueBytes);
            action.accept(keyView, valueView);
        }
    }

    /** The number of elements, counted with batch lookups where the map supports them, else by iterating the keys. */
    public int count() {
        int[] count = {0};
        fd();
        if (forEachBatched((key, value) -> count[0]++, initialBatchCapacity()) < 0) {
            forEachKey(key -> count[0]++);
        }
        return count[0];
    }

    /**
     * Writes {@code count} elements at once ({@code bpf_map_update_batch}): {@code keys} holds
     * {@code count} keys back to back, {@code values} as many value buffers.
     *
     * @return the number of elements written
     */
    public int updateBatch(MemorySegment keys, MemorySegment values, int count, UpdateFlag flag) {
        checkCount(count);
        checkBatch(keys, Math.multiplyExact((long) keySize, count), "keys");
        checkBatch(values, Math.multiplyExact(valueBufferSize(), count), "values");
        if (count == 0) {
            fd();
            return 0;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocateFrom(ValueLayout.JAVA_INT, count);
            MemorySegment opts = arena.allocate(24, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, 24);
            opts.set(ValueLayout.JAVA_LONG, 8, flag.value());
            int rc;
            int mapFd = enterFd();
            try {
                rc = Libbpf.bpf_map_update_batch(mapFd, keys, values, n, opts);
            } finally {
                guard.exit();
            }
            if (rc < 0) {
                throw failure("update a batch of elements of map", -rc);
            }
            return n.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /**
     * Deletes {@code count} keys at once ({@code bpf_map_delete_batch}).
     *
     * @return the number of elements deleted
     */
    public int deleteBatch(MemorySegment keys, int count) {
        checkCount(count);
        checkBatch(keys, Math.multiplyExact((long) keySize, count), "keys");
        if (count == 0) {
            fd();
            return 0;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocateFrom(ValueLayout.JAVA_INT, count);
            MemorySegment opts = arena.allocate(24, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, 24);
            int rc;
            int mapFd = enterFd();
            try {
                rc = Libbpf.bpf_map_delete_batch(mapFd, keys, n, opts);
            } finally {
                guard.exit();
            }
            if (rc < 0 && rc != -Errno.ENOENT) {
                throw failure("delete a batch of elements of map", -rc);
            }
            return n.get(ValueLayout.JAVA_INT, 0);
        }
    }

    // ---- allocation-free primitive paths ----

    /**
     * The value of the integer key {@code key}, read as an unsigned integer of the value size
     * (1, 2, 4 or 8 bytes), or {@code ifAbsent}. No allocation.
     */
    public long lookupLong(long key, long ifAbsent) {
        MemorySegment value = lookupPrimitive(key);
        return value == null ? ifAbsent : readUnsigned(value, 0, valueSize);
    }

    /** For per-CPU maps with integer values: the sum over all CPUs, or {@code ifAbsent}. */
    public long lookupLongSum(long key, long ifAbsent) {
        MemorySegment value = lookupPrimitive(key);
        if (value == null) {
            return ifAbsent;
        }
        if (!perCpu()) {
            return readUnsigned(value, 0, valueSize);
        }
        long sum = 0;
        long stride = perCpuStride();
        for (int cpu = 0; cpu < possibleCpus; cpu++) {
            sum += readUnsigned(value, cpu * stride, valueSize);
        }
        return sum;
    }

    /**
     * For per-CPU maps with integer values: fills {@code perCpu} (length {@link #possibleCpus()})
     * with each CPU's value.
     *
     * @return false when the key is absent
     */
    public boolean lookupLongPerCpu(long key, long[] perCpu) {
        if (!perCpu()) {
            throw new IllegalArgumentException("map " + name + " is a " + type + " map, not a per-CPU map");
        }
        if (perCpu.length != possibleCpus) {
            throw new IllegalArgumentException("per-CPU array for map " + name + " must have " + possibleCpus
                    + " elements (possible CPUs), got " + perCpu.length);
        }
        MemorySegment value = lookupPrimitive(key);
        if (value == null) {
            return false;
        }
        long stride = perCpuStride();
        for (int cpu = 0; cpu < possibleCpus; cpu++) {
            perCpu[cpu] = readUnsigned(value, cpu * stride, valueSize);
        }
        return true;
    }

    /**
     * Looks the integer key {@code key} up into this thread's scratch value buffer (valid until the
     * thread's next primitive call), or returns null when the key is absent. No allocation.
     */
    private MemorySegment lookupPrimitive(long key) {
        requirePrimitiveValue();
        Scratch scratch = Scratch.get();
        MemorySegment keyBuffer = scratchKey(scratch, key);
        MemorySegment value = scratch.value(valueBufferSize());
        return lookupUnchecked(keyBuffer, value) ? value : null;
    }

    /** Sets the integer key {@code key} to {@code value} (every CPU's slot for per-CPU maps). */
    public void updateLong(long key, long value) {
        updateLong(key, value, UpdateFlag.ANY);
    }

    /** Writes the integer key {@code key} as {@code flag} says. */
    public void updateLong(long key, long value, UpdateFlag flag) {
        requirePrimitiveValue();
        if (!fits(value, valueSize)) {
            throw new IllegalArgumentException("value " + value + " does not fit the " + valueSize + "-byte values of map "
                    + name + " (" + range(valueSize) + ")");
        }
        Scratch scratch = Scratch.get();
        MemorySegment keyBuffer = scratchKey(scratch, key);
        MemorySegment valueBuffer = scratch.value(valueBufferSize());
        if (perCpu()) {
            long stride = perCpuStride();
            for (int cpu = 0; cpu < possibleCpus; cpu++) {
                writeUnsigned(valueBuffer, cpu * stride, valueSize, value);
            }
        } else {
            writeUnsigned(valueBuffer, 0, valueSize, value);
        }
        updateUnchecked(keyBuffer, valueBuffer, flag);
    }

    /**
     * Deletes the integer key {@code key}.
     *
     * @return false when it was absent
     */
    public boolean deleteKey(long key) {
        return deleteUnchecked(scratchKey(Scratch.get(), key));
    }

    /** Encodes the integer {@code key} with the map's key size into the thread's scratch key buffer. */
    private MemorySegment scratchKey(Scratch scratch, long key) {
        if (keySize != 1 && keySize != 2 && keySize != 4 && keySize != 8) {
            throw new IllegalArgumentException("map " + name + " has " + keySize
                    + "-byte keys; the long methods need 1, 2, 4 or 8 (use lookup(MemorySegment, …) or typed(…))");
        }
        if (!fits(key, keySize)) {
            // Encoding it would keep only its low bytes and address a different key (1L << 40 would be key 0).
            throw new IllegalArgumentException("key " + key + " does not fit the " + keySize + "-byte keys of map "
                    + name + " (" + range(keySize) + ")");
        }
        MemorySegment buffer = scratch.key(8);
        writeUnsigned(buffer, 0, keySize, key);
        return buffer;
    }

    /** True when {@code value} is an unsigned or a sign-extended integer of {@code size} bytes. */
    private static boolean fits(long value, int size) {
        if (size >= 8) {
            return true;
        }
        int bits = 8 * size;
        return (value >>> bits) == 0 || (value >> (bits - 1)) == -1;
    }

    private static String range(int size) {
        int bits = 8 * size;
        return bits + "-bit integers are " + (-1L << (bits - 1)) + " to " + (-1L >>> (64 - bits));
    }

    private void requirePrimitiveValue() {
        if (valueSize != 1 && valueSize != 2 && valueSize != 4 && valueSize != 8) {
            throw new IllegalArgumentException("map " + name + " has " + valueSize
                    + "-byte values; the long methods need 1, 2, 4 or 8 (use lookup(MemorySegment, …) or typed(…))");
        }
    }

    private static long readUnsigned(MemorySegment segment, long offset, int size) {
        return switch (size) {
            case 1 -> Byte.toUnsignedLong(segment.get(ValueLayout.JAVA_BYTE, offset));
            case 2 -> Short.toUnsignedLong(segment.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset));
            case 4 -> Integer.toUnsignedLong(segment.get(ValueLayout.JAVA_INT_UNALIGNED, offset));
            default -> segment.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
        };
    }

    private static void writeUnsigned(MemorySegment segment, long offset, int size, long value) {
        switch (size) {
            case 1 -> segment.set(ValueLayout.JAVA_BYTE, offset, (byte) value);
            case 2 -> segment.set(ValueLayout.JAVA_SHORT_UNALIGNED, offset, (short) value);
            case 4 -> segment.set(ValueLayout.JAVA_INT_UNALIGNED, offset, (int) value);
            default -> segment.set(ValueLayout.JAVA_LONG_UNALIGNED, offset, value);
        }
    }

    // ---- typed views ----

    /**
     * A view that converts keys and values with codecs.
     *
     * @throws IllegalArgumentException when a codec's size differs from the map's key or value size
     */
    public <K, V> TypedMap<K, V> typed(Codec<K> keys, Codec<V> values) {
        if (keys.byteSize() != keySize) {
            throw new IllegalArgumentException("key codec for map " + name + " is " + keys.byteSize()
                    + " bytes but the map's key_size is " + keySize);
        }
        if (values.byteSize() != valueSize) {
            throw new IllegalArgumentException("value codec for map " + name + " is " + values.byteSize()
                    + " bytes but the map's value_size is " + valueSize);
        }
        return new TypedMap<>(this, keys, values);
    }

    // Internal hooks for TypedMap: sizes already checked.
    // The buffers are per-thread scratch buffers at least as large as the codecs; the kernel
    // reads and writes the map's sizes, which must fit them too (sizes can change before load).
    boolean lookupRaw(MemorySegment key, MemorySegment value) {
        checkRawBuffers(key, value);
        return lookupUnchecked(key, value);
    }

    void updateRaw(MemorySegment key, MemorySegment value, UpdateFlag flag) {
        checkRawBuffers(key, value);
        updateUnchecked(key, value, flag);
    }

    boolean deleteRaw(MemorySegment key) {
        checkRawBuffers(key, null);
        return deleteUnchecked(key);
    }

    private void checkRawBuffers(MemorySegment key, MemorySegment value) {
        if (key.byteSize() < keySize || (value != null && value.byteSize() < valueBufferSize())) {
            throw new IllegalArgumentException("the typed view's codecs no longer match map " + name + " (key "
                    + keySize + " bytes, value buffer " + valueBufferSize() + " bytes); make a new view with typed(…)");
        }
    }

    long stride() {
        return perCpuStride();
    }

    // ---- pinning and closing ----

    /** Pins the map at {@code path} on bpffs so that it outlives this process. */
    public void pin(Path path) {
        Objects.requireNonNull(path, "path");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pathString = arena.allocateFrom(path.toString());
            int rc;
            int mapFd = enterFd();
            try {
                rc = handle.equals(MemorySegment.NULL)
                        ? Libbpf.bpf_obj_pin(mapFd, pathString)
                        : Libbpf.bpf_map__pin(handle, pathString);
            } finally {
                guard.exit();
            }
            if (rc < 0) {
                throw new BpfException("pin map", name + " at " + path, -rc, pinHint(path, -rc));
            }
        }
    }

    /** Removes the pin at {@code path}. */
    public void unpin(Path path) {
        Objects.requireNonNull(path, "path");
        if (handle.equals(MemorySegment.NULL)) {
            try {
                Files.delete(path);
            } catch (java.io.IOException e) {
                throw new BpfException("unpin map", name + " at " + path, Errno.ENOENT, e.getMessage());
            }
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pathString = arena.allocateFrom(path.toString());
            int rc;
            guard.enter();
            try {
                rc = Libbpf.bpf_map__unpin(handle, pathString);
            } finally {
                guard.exit();
            }
            if (rc < 0) {
                throw new BpfException("unpin map", name + " at " + path, -rc, null);
            }
        }
    }

    /**
     * Where this map of an object is pinned on bpffs (by {@link #pin(Path)} or by libbpf for a
     * {@code LIBBPF_PIN_BY_NAME} map), or empty when it is not pinned or is a standalone map.
     */
    public java.util.Optional<Path> pinPath() {
        if (handle.equals(MemorySegment.NULL) || object == null || object.phase() == BpfObject.Phase.CLOSED
                || !dev.bpfj.runtime.internal.libbpf.Pins.bpf_map__is_pinned(handle)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.ofNullable(Native.string(dev.bpfj.runtime.internal.libbpf.Pins.bpf_map__pin_path(handle)))
                .map(Path::of);
    }

    static String pinHint(Path path, int errno) {
        if (errno == Errno.EEXIST) {
            return "something is already pinned there";
        }
        if (errno == Errno.EPERM || errno == Errno.EINVAL || errno == Errno.ENOENT) {
            return "the path must be on a mounted bpffs (mount -t bpf bpf /sys/fs/bpf) and its folder must exist";
        }
        return Environment.hintFor(errno);
    }

    /** Closes a standalone map's fd; for a map of an object this does nothing (the object owns it). */
    @Override
    public void close() {
        // Calls in flight finish on this map before its fd number can be handed to another.
        if (cleanable != null && guard.close()) {
            fd = -1;
            cleanable.clean();
        }
    }

    private static void closeFd(AtomicInteger owned) {
        int fd = owned.getAndSet(-1);
        if (fd >= 0) {
            try (Arena arena = Arena.ofConfined()) {
                Libc.close(Native.captureSegment(arena), fd);
            }
        }
    }

    private void checkKey(MemorySegment key) {
        if (key.byteSize() != keySize) {
            throw new IllegalArgumentException("key for map " + name + " must be " + keySize
                    + " bytes (the map's key_size), got " + key.byteSize());
        }
    }

    private void checkValue(MemorySegment value) {
        long expected = valueBufferSize();
        if (value.byteSize() != expected) {
            throw new IllegalArgumentException("value for map " + name + " must be " + expected + " bytes ("
                    + (perCpu() ? possibleCpus + " possible CPUs x " + perCpuStride() + " bytes" : "the map's value_size")
                    + "), got " + value.byteSize());
        }
    }

    private void checkCount(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count for a batch on map " + name + " must not be negative, got " + count);
        }
    }

    /** The kernel writes into {@code segment}: a read-only view must not be written behind Java's back. */
    private void checkWritable(MemorySegment segment, String what) {
        if (segment.isReadOnly()) {
            throw new IllegalArgumentException(what + " segment for map " + name
                    + " is read-only, but the kernel writes the result into it; pass a writable segment");
        }
    }

    private void checkBatch(MemorySegment segment, long expected, String what) {
        if (segment.byteSize() < expected) {
            throw new IllegalArgumentException(what + " for a batch on map " + name + " must hold at least "
                    + expected + " bytes, got " + segment.byteSize());
        }
    }

    private BpfException failure(String operation, int errno) {
        String hint = Environment.hintFor(errno);
        if (hint == null && errno == 7) {
            hint = "the map is full (max_entries " + maxEntries + ")";
        }
        return new BpfException(operation, name, errno, hint);
    }

    // ---- map kinds: map-in-map, queue/stack, bloom filter, per-CPU values, batch drain, user ring buffer, struct_ops ----

    /**
     * Sets the template of this map-in-map ({@code ARRAY_OF_MAPS}/{@code HASH_OF_MAPS}) before load,
     * for outer maps whose C definition gives no inner map ({@code __array(values, ...)}): the kernel
     * takes the inner maps' type, sizes and flags from {@code template}, an existing map (standalone
     * or of a loaded object). Every map stored in this one later must match it.
     *
     * @throws IllegalArgumentException when this is not a map-in-map
     * @throws IllegalStateException    after load, or for a standalone map
     */
    public void innerMap(BpfMap template) {
        Objects.requireNonNull(template, "template");
        requireType("set the inner map of", MapType.ARRAY_OF_MAPS, MapType.HASH_OF_MAPS);
        if (object == null) {
            throw new IllegalStateException("cannot set the inner map of map " + name
                    + ": it exists in the kernel already (set it on a map of an object before load)");
        }
        int templateFd = template.fd();
        synchronized (object) {
            object.requirePhase(BpfObject.Phase.OPENED, "set the inner map of map " + name + " of object " + object.name());
            int rc = LibbpfAttach.bpf_map__set_inner_map_fd(handle, templateFd);
            if (rc < 0) {
                throw new BpfException("set inner map of map", name + " to " + template.name(), -rc, null);
            }
        }
    }

    /**
     * Stores {@code inner} under {@code key} in this map-in-map (the value the kernel gets is the
     * inner map's fd; the kernel keeps its own reference, so {@code inner} may be closed afterwards).
     *
     * @throws BpfException EINVAL when {@code inner} does not match the outer map's template
     */
    public void updateInnerMap(MemorySegment key, BpfMap inner) {
        Objects.requireNonNull(inner, "inner");
        requireType("store an inner map in", MapType.ARRAY_OF_MAPS, MapType.HASH_OF_MAPS);
        checkKey(key);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocateFrom(ValueLayout.JAVA_INT, inner.fd());
            int rc = withFd(mapFd -> Libbpf.bpf_map_update_elem(mapFd, key, value, UpdateFlag.ANY.value()));
            if (rc < 0) {
                throw new BpfException("store inner map in map", name + ": " + inner.name(), -rc, -rc == Errno.EINVAL
                        ? "the inner map's type, key size, value size and flags must match the outer map's template"
                        : Environment.hintFor(-rc));
            }
        }
    }

    /** {@link #updateInnerMap(MemorySegment, BpfMap)} for the 4-byte keys of array-of-maps (and integer-keyed hash-of-maps). */
    public void updateInnerMap(int key, BpfMap inner) {
        try (Arena arena = Arena.ofConfined()) {
            updateInnerMap(arena.allocateFrom(ValueLayout.JAVA_INT, key).asSlice(0, 4), inner);
        }
    }

    /** The id of the inner map stored under {@code key} (lookups in a map-in-map return ids, not fds), or -1 when none. */
    public int innerMapId(int key) {
        requireType("look up an inner map of", MapType.ARRAY_OF_MAPS, MapType.HASH_OF_MAPS);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment keyBuffer = arena.allocateFrom(ValueLayout.JAVA_INT, key).asSlice(0, 4);
            checkKey(keyBuffer);
            MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
            return lookupUnchecked(keyBuffer, value) ? value.get(ValueLayout.JAVA_INT, 0) : -1;
        }
    }

    /**
     * Opens the inner map stored under {@code key} as a standalone map the caller owns (and must
     * close), or returns null when there is none.
     */
    public BpfMap openInnerMap(int key) {
        int id = innerMapId(key);
        return id < 0 ? null : openById(id);
    }

    /** Opens the map with kernel id {@code id} ({@code bpftool map show} lists them); the caller owns it. */
    public static BpfMap openById(int id) {
        Native.ensureLibbpf();
        int fd = Libbpf.bpf_map_get_fd_by_id(id);
        if (fd < 0) {
            throw new BpfException("open map by id", Integer.toString(id), -fd,
                    -fd == Errno.ENOENT ? "no map has this id (any more)" : Environment.hintFor(-fd));
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(MAP_INFO_SIZE, 8);
            MemorySegment length = arena.allocateFrom(ValueLayout.JAVA_INT, (int) MAP_INFO_SIZE);
            int rc = Libbpf.bpf_obj_get_info_by_fd(fd, info, length);
            if (rc < 0) {
                closeFd(new AtomicInteger(fd));
                throw new BpfException("open map by id", Integer.toString(id), -rc, null);
            }
            MapInfo mapInfo = BpfSystem.mapInfo(info, -1);
            return new BpfMap(fd, mapInfo.name(), mapInfo.type(), mapInfo.keySize(), mapInfo.valueSize(),
                    mapInfo.maxEntries(), mapInfo.flags());
        }
    }

    /**
     * Pushes {@code value} onto this queue or stack map ({@code BPF_MAP_TYPE_QUEUE}/{@code STACK}, Linux 4.20+).
     *
     * @param overwrite when the map is full, drop the oldest (queue) or bottom (stack) element instead of failing
     * @return false when the map is full and {@code overwrite} is off
     */
    public boolean push(MemorySegment value, boolean overwrite) {
        requireType("push onto", MapType.QUEUE, MapType.STACK);
        checkValue(value);
        int rc = withFd(mapFd -> Libbpf.bpf_map_update_elem(mapFd, MemorySegment.NULL, value, overwrite ? 2 /* BPF_EXIST */ : 0));
        if (rc == -7 /* E2BIG */) {
            return false;
        }
        if (rc < 0) {
            throw failure("push onto map", -rc);
        }
        return true;
    }

    /** Removes the next element (oldest for a queue, newest for a stack) into {@code value}; false when empty. */
    public boolean pop(MemorySegment value) {
        requireType("pop from", MapType.QUEUE, MapType.STACK);
        checkValue(value);
        return found(withFd(mapFd -> Libbpf.bpf_map_lookup_and_delete_elem(mapFd, MemorySegment.NULL, value)), "pop from map");
    }

    /** Copies the next element into {@code value} without removing it; false when empty. */
    public boolean peek(MemorySegment value) {
        requireType("peek into", MapType.QUEUE, MapType.STACK);
        checkValue(value);
        return found(withFd(mapFd -> Libbpf.bpf_map_lookup_elem(mapFd, MemorySegment.NULL, value)), "peek into map");
    }

    /** Adds {@code value} to this bloom filter map ({@code BPF_MAP_TYPE_BLOOM_FILTER}, Linux 5.16+). */
    public void bloomAdd(MemorySegment value) {
        requireType("add to", MapType.BLOOM_FILTER);
        checkValue(value);
        int rc = withFd(mapFd -> Libbpf.bpf_map_update_elem(mapFd, MemorySegment.NULL, value, 0));
        if (rc < 0) {
            throw failure("add to bloom filter map", -rc);
        }
    }

    /**
     * Whether this bloom filter may contain {@code value}: false means certainly absent, true means
     * present or a false positive (at the rate the map's hash count gives).
     */
    public boolean bloomMightContain(MemorySegment value) {
        requireType("query", MapType.BLOOM_FILTER);
        checkValue(value);
        return found(withFd(mapFd -> Libbpf.bpf_map_lookup_elem(mapFd, MemorySegment.NULL, value)), "query bloom filter map");
    }

    /**
     * For per-CPU maps with integer values: sets each CPU's value of the integer key {@code key}
     * from {@code perCpu} (length {@link #possibleCpus()}).
     */
    public void updateLongPerCpu(long key, long[] perCpu) {
        if (!perCpu()) {
            throw new IllegalArgumentException("map " + name + " is a " + type + " map, not a per-CPU map");
        }
        if (perCpu.length != possibleCpus) {
            throw new IllegalArgumentException("per-CPU array for map " + name + " must have " + possibleCpus
                    + " elements (possible CPUs), got " + perCpu.length);
        }
        fd(); // throws when the map is closed or not created yet
        requirePrimitiveValue();
        Scratch scratch = Scratch.get();
        MemorySegment keyBuffer = scratchKey(scratch, key);
        MemorySegment valueBuffer = scratch.value(valueBufferSize());
        long stride = perCpuStride();
        for (int cpu = 0; cpu < possibleCpus; cpu++) {
            writeUnsigned(valueBuffer, cpu * stride, valueSize, perCpu[cpu]);
        }
        updateUnchecked(keyBuffer, valueBuffer, UpdateFlag.ANY);
    }

    /**
     * Takes every element out of this hash map in batches ({@code bpf_map_lookup_and_delete_batch},
     * Linux 5.6+): each is handed to {@code action} (segments valid only during the call) and deleted
     * by the kernel in the same step, so a counter the BPF side keeps incrementing is read and reset
     * without losing increments between the read and the delete.
     *
     * @return the number of elements taken
     * @throws BpfException for map types without the batch operation (arrays: use {@link #forEach})
     */
    public int lookupAndDeleteBatch(BiConsumer<MemorySegment, MemorySegment> action) {
        Objects.requireNonNull(action, "action");
        int mapFd = fd(); // each batch call below re-enters the guard: see batchWithFd
        int capacity = initialBatchCapacity();
        long keyBytes = keySize;
        long valueBytes = valueBufferSize();
        int taken = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment keys = arena.allocate(Math.max(1, keyBytes * capacity), 8);
            MemorySegment values = arena.allocate(Math.max(1, valueBytes * capacity), 8);
            long tokenSize = Math.max(8, keyBytes);
            MemorySegment in = arena.allocate(tokenSize, 8);
            MemorySegment out = arena.allocate(tokenSize, 8);
            MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment opts = arena.allocate(24, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, 24);
            MemorySegment key = arena.allocate(Math.max(1, keyBytes), 8).asSlice(0, keyBytes);
            MemorySegment value = arena.allocate(Math.max(1, valueBytes), 8).asSlice(0, valueBytes);
            boolean first = true;
            while (true) {
                count.set(ValueLayout.JAVA_INT, 0, capacity);
                MemorySegment batchKeys = keys;
                MemorySegment batchValues = values;
                MemorySegment from = first ? MemorySegment.NULL : in;
                int rc = withFd(current -> current != mapFd ? -9 /* EBADF */
                        : LibbpfAttach.bpf_map_lookup_and_delete_batch(current, from, out, batchKeys, batchValues, count, opts));
                if (rc == -Errno.ENOSPC && capacity < Math.max(1, maxEntries)) {
                    capacity = (int) Math.min(Math.max(1, maxEntries), 2L * capacity);
                    keys = arena.allocate(Math.max(1, keyBytes * capacity), 8);
                    values = arena.allocate(Math.max(1, valueBytes * capacity), 8);
                    continue;
                }
                boolean last = rc == -Errno.ENOENT;
                if (rc < 0 && !last) {
                    int errno = -rc;
                    throw new BpfException("look up and delete a batch of elements of map", name, errno,
                            errno == Errno.EINVAL || errno == Errno.ENOTSUPP || errno == Errno.EOPNOTSUPP
                                    ? type + " maps have no batch lookup-and-delete (hash maps have, Linux 5.6+)"
                                    : Environment.hintFor(errno));
                }
                int n = count.get(ValueLayout.JAVA_INT, 0);
                deliver(action, keys, values, n, keyBytes, valueBytes, key, value, key.asReadOnly(), value.asReadOnly());
                taken += n;
                if (last) {
                    return taken;
                }
                in.copyFrom(out);
                first = false;
            }
        }
    }

    /**
     * A writer for this {@code BPF_MAP_TYPE_USER_RINGBUF} map (user space to kernel, Linux 6.1+,
     * libbpf 1.1+): records it submits are drained by BPF programs with
     * {@code bpf_user_ringbuf_drain()}. The writer belongs to the object and closes before it.
     *
     * @throws BpfException saying "needs libbpf &gt;= 1.1" on an older libbpf
     */
    public UserRingBuffer userRingBuffer() {
        requireType("write to", MapType.USER_RINGBUF);
        return UserRingBuffer.open(this);
    }

    /**
     * Registers this {@code SEC(".struct_ops")} or {@code SEC(".struct_ops.link")} map with the
     * kernel ({@code bpf_map__attach_struct_ops}, Linux 5.6+; links for {@code .struct_ops.link}
     * maps 6.4+): for example a TCP congestion control then becomes selectable by its name. Closing
     * the returned link unregisters it (for a {@code .struct_ops} map without a link, closing
     * deletes the map's registration).
     *
     * @throws IllegalArgumentException when this is not a struct_ops map
     */
    public BpfLink attachStructOps() {
        requireType("register", MapType.STRUCT_OPS);
        if (object == null) {
            throw new IllegalStateException("cannot register struct_ops map " + name
                    + ": only maps of an object (SEC(\".struct_ops\")) can be registered");
        }
        object.requirePhase(BpfObject.Phase.LOADED, "register struct_ops map " + name);
        try (Arena arena = Arena.ofConfined(); dev.bpfj.runtime.internal.libbpf.LibbpfLog.Capture log
                = dev.bpfj.runtime.internal.libbpf.LibbpfLog.capture()) {
            MemorySegment capture = Native.captureSegment(arena);
            MemorySegment link = LibbpfAttach.bpf_map__attach_struct_ops(capture, handle);
            if (link.equals(MemorySegment.NULL)) {
                int errno = Native.errno(capture);
                String hint = Environment.hintFor(errno);
                throw new BpfException("register struct_ops map", name + " of object " + object.name(), errno,
                        hint != null ? hint : errno == Errno.EEXIST
                                ? "something with the same name is registered already (a congestion control of that name?)"
                                : errno == Errno.EPERM || errno == Errno.EOPNOTSUPP || errno == Errno.ENOTSUPP
                                ? "this kernel does not allow struct_ops here (BPF_PROG_TYPE_STRUCT_OPS refused: lockdown, or no BPF trampolines)"
                                : null, log.lastWarnings(3));
            }
            log.log();
            BpfLink registered = new BpfLink(null, java.util.List.of(link), null, "struct_ops map " + name);
            object.register(registered);
            return registered;
        }
    }

    private void requireType(String operation, MapType... types) {
        for (MapType wanted : types) {
            if (type == wanted) {
                return;
            }
        }
        throw new IllegalArgumentException("cannot " + operation + " map " + name + ": it is a " + type + " map, not "
                + java.util.Arrays.stream(types).map(Enum::name).collect(java.util.stream.Collectors.joining(" or ")));
    }

    /** The kernel's information about this map: id, type, sizes, flags, name. */
    public MapInfo info() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(MAP_INFO_SIZE, 8);
            MemorySegment length = arena.allocateFrom(ValueLayout.JAVA_INT, (int) MAP_INFO_SIZE);
            int rc = withFd(mapFd -> Libbpf.bpf_obj_get_info_by_fd(mapFd, info, length));
            if (rc < 0) {
                throw new BpfException("get info of map", name, -rc, Environment.hintFor(-rc));
            }
            return BpfSystem.mapInfo(info, -1);
        }
    }

    /** Runs one native call on this map's fd inside the guard, so that a racing close cannot release the fd mid-call. */
    private int withFd(java.util.function.IntUnaryOperator call) {
        int mapFd = enterFd();
        try {
            return call.applyAsInt(mapFd);
        } finally {
            exitFd();
        }
    }

    /** libbpf's {@code struct bpf_map *}, or NULL for a standalone map. */
    MemorySegment handle() {
        return handle;
    }


    @Override
    public String toString() {
        return "BpfMap[" + name + " " + type + ", key " + keySize + ", value " + valueSize + ", max " + maxEntries + "]";
    }
}
