package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.Libbpf;
import dev.bpfj.runtime.internal.libbpf.Libc;
import dev.bpfj.runtime.internal.libbpf.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One global-data section of an object ({@code .rodata}, {@code .data}, {@code .bss} or a custom
 * {@code .rodata.*}/{@code .data.*}): the memory behind the C program's global variables.
 *
 * <p>Before load the view is libbpf's initial image and every section is writable: this is where
 * {@code const volatile} settings such as a PID filter go. After load the view is the map memory
 * itself, mapped into this process: {@code .data} and {@code .bss} are live (reads see what the
 * BPF program wrote, writes are seen by it), {@code .rodata} is frozen and read-only. Accessors
 * take a byte offset (the generated skeletons know each variable's, {@link #offsetOf(String)}
 * asks libbpf) and allocate nothing.
 *
 * <p>A {@link #segment()} (and a skeleton's struct view over it) taken before load stays valid
 * across load for {@code .data}, {@code .bss} and their custom variants: libbpf's pre-load image
 * is replaced, at the same address, by the mapping of the loaded map, so reads see the program's
 * data and writes reach the program. For {@code .rodata} and {@code .kconfig}, which the kernel
 * freezes, a segment taken before load is invalidated by load: any access through it throws
 * {@link IllegalStateException} ("Already closed") instead of writing into memory that no longer
 * reaches the program; take {@link #segment()} again after load for a read-only view.
 *
 * <p>{@code .kconfig} holds the C code's {@code extern ... __kconfig} variables. libbpf lays them
 * out itself at open and fills them in at load from the running kernel, so that section is never
 * writable: before load it reads as zeros, after load it is the frozen, read-only map memory.
 */
public final class GlobalData {

    private static final long BPF_F_MMAPABLE = 1 << 10;
    /** {@code MAP_FIXED}: map exactly at the given address, replacing what was there. */
    private static final int MAP_FIXED = 0x10;
    private static final int BTF_KIND_VAR = 14;
    private static final int BTF_KIND_DATASEC = 15;
    /** {@code struct btf_type}: name_off, info, size/type — three u32. */
    private static final long BTF_TYPE_SIZE = 12;
    /** {@code struct btf_var_secinfo}: type, offset, size — three u32. */
    private static final long VAR_SECINFO_SIZE = 12;

    private final BpfObject object;
    private final BpfMap map;
    private final String section;
    private final boolean readOnlyAfterLoad;
    /** libbpf owns the contents ({@code .kconfig}): no phase allows writes. */
    private final boolean libbpfOwned;
    private volatile MemorySegment segment;
    /** Scope of the pre-load image; stays open across load only when the image became the live map. */
    private final Arena image;
    /** Variable name -> offset, read from libbpf's BTF on first {@link #offsetOf(String)}. */
    private volatile Map<String, Long> offsets;

    GlobalData(BpfObject object, BpfMap map, String section, MemorySegment initialImage, Arena image) {
        this.object = object;
        this.image = image;
        this.map = map;
        this.section = section;
        this.libbpfOwned = section.equals(".kconfig");
        this.readOnlyAfterLoad = section.startsWith(".rodata") || libbpfOwned;
        this.segment = initialImage;
    }

    /** The section name, like {@code .rodata}. */
    public String section() {
        return section;
    }

    /** The internal map holding the section. */
    public BpfMap map() {
        return map;
    }

    /** The section's size in bytes. */
    public long byteSize() {
        return map.valueSize();
    }

    /**
     * True when {@code set*} calls are allowed now: before load, or after load for
     * {@code .data}/{@code .bss}; never for {@code .kconfig}.
     */
    public boolean writable() {
        if (libbpfOwned) {
            return false;
        }
        BpfObject.Phase phase = object.phase();
        return phase == BpfObject.Phase.OPENED || (phase == BpfObject.Phase.LOADED && !readOnlyAfterLoad);
    }

    /**
     * The section's memory: the initial image before load, the live map memory after load
     * ({@code .rodata}: a read-only view). Invalid once the object is closed.
     */
    public MemorySegment segment() {
        MemorySegment current = readable();
        return writable() ? current : current.asReadOnly();
    }

    /**
     * Maps the kernel map after load so that reads and writes reach the BPF program. Where libbpf's
     * pre-load image is page-aligned (libbpf mmaps it), the map is mapped over it at the same
     * address, as libbpf's own skeletons do: segments taken before load then see the live map. A
     * frozen section's pre-load segments, which are writable, are invalidated instead, as are all
     * pre-load segments when the image cannot be replaced in place.
     */
    @SuppressWarnings("restricted")
    void loaded(Arena arena) {
        MemorySegment before = segment;
        if ((map.flags() & BPF_F_MMAPABLE) == 0) {
            // Kernels before 5.5 cannot mmap array maps; libbpf copied the image into the map.
            segment = null;
            object.closeImageScope(image);
            return;
        }
        long pageSize = Libc.getpagesize();
        long size = map.valueSize();
        long mapped = (size + pageSize - 1) / pageSize * pageSize;
        int prot = readOnlyAfterLoad ? Libc.PROT_READ : Libc.PROT_READ | Libc.PROT_WRITE;
        boolean inPlace = before != null && before.address() % pageSize == 0 && before.byteSize() == size;
        try (Arena local = Arena.ofConfined()) {
            MemorySegment capture = Native.captureSegment(local);
            MemorySegment at = inPlace ? MemorySegment.ofAddress(before.address()) : MemorySegment.NULL;
            int flags = inPlace ? Libc.MAP_SHARED | MAP_FIXED : Libc.MAP_SHARED;
            MemorySegment address;
            int mapFd = map.enterFd();
            try {
                address = Libc.mmap(capture, at, mapped, prot, flags, mapFd, 0);
            } finally {
                map.exitFd();
            }
            if (address.address() == -1L) {
                object.closeImageScope(image);
                throw new BpfException("map global section", section + " of object " + object.name(),
                        Native.errno(capture), null);
            }
            if (inPlace && !readOnlyAfterLoad) {
                // Same address, same size: the pre-load segment is the live map now. libbpf unmaps
                // its image address when the object closes, which now unmaps the map.
                return;
            }
            object.closeImageScope(image);
            // In place, libbpf's close unmaps the mapping; elsewhere it is ours to unmap.
            segment = inPlace ? address.reinterpret(size, arena, null)
                    : address.reinterpret(size, arena, unmapped -> unmap(unmapped, mapped));
        }
    }

    private static void unmap(MemorySegment address, long length) {
        try (Arena local = Arena.ofConfined()) {
            Libc.munmap(Native.captureSegment(local), address, length);
        }
    }

    private MemorySegment readable() {
        BpfObject.Phase phase = object.phase();
        MemorySegment current = segment;
        if (phase == BpfObject.Phase.CLOSED) {
            throw new IllegalStateException("cannot read " + section + " of " + object.name() + ": the object is closed");
        }
        if (current == null) {
            throw new IllegalStateException("cannot access " + section + " of " + object.name()
                    + " after load: the kernel cannot mmap its map (needs Linux 5.5+ for BPF_F_MMAPABLE)");
        }
        return current;
    }

    private MemorySegment writableSegment() {
        BpfObject.Phase phase = object.phase();
        if (libbpfOwned && phase != BpfObject.Phase.CLOSED) {
            throw new IllegalStateException("cannot write " + section + " of " + object.name()
                    + ": libbpf fills the __kconfig externs from the running kernel at load; it is read-only");
        }
        if (phase == BpfObject.Phase.LOADED && readOnlyAfterLoad) {
            throw new IllegalStateException("cannot write " + section + " of " + object.name()
                    + " after load: the kernel froze it; set read-only globals between open() and load()");
        }
        if (phase == BpfObject.Phase.CLOSED) {
            throw new IllegalStateException("cannot write " + section + " of " + object.name() + ": the object is closed");
        }
        return readable();
    }

    /** The readable memory, after checking that {@code length} bytes at {@code offset} lie inside the section. */
    private MemorySegment readable(long offset, long length) {
        MemorySegment current = readable();
        checkRange(current, offset, length);
        return current;
    }

    /** The writable memory, after checking that {@code length} bytes at {@code offset} lie inside the section. */
    private MemorySegment writableSegment(long offset, long length) {
        MemorySegment current = writableSegment();
        checkRange(current, offset, length);
        return current;
    }

    private void checkRange(MemorySegment current, long offset, long length) {
        long size = current.byteSize();
        if (offset < 0 || length < 0 || offset > size - length) {
            // Offsets come from generated skeletons or user code; FFM's own message would name neither the section nor the object.
            String range = size >= length ? "valid offsets for this access are 0 to " + (size - length)
                    : "too small for this access";
            throw new IndexOutOfBoundsException("offset " + offset + " (" + length + " byte" + (length == 1 ? "" : "s")
                    + ") is outside " + section + " of object " + object.name() + ", which is " + size + " bytes: "
                    + range);
        }
    }

    /** Reads a byte at {@code offset}. */
    public byte getByte(long offset) {
        return readable(offset, 1).get(ValueLayout.JAVA_BYTE, offset);
    }

    /** Writes a byte at {@code offset}. */
    public void setByte(long offset, byte value) {
        writableSegment(offset, 1).set(ValueLayout.JAVA_BYTE, offset, value);
    }

    /** Reads a C {@code bool} (any non-zero byte is true). */
    public boolean getBoolean(long offset) {
        return getByte(offset) != 0;
    }

    /** Writes a C {@code bool} as 1 or 0. */
    public void setBoolean(long offset, boolean value) {
        setByte(offset, (byte) (value ? 1 : 0));
    }

    /** Reads a 16-bit integer at {@code offset}. */
    public short getShort(long offset) {
        return readable(offset, 2).get(ValueLayout.JAVA_SHORT_UNALIGNED, offset);
    }

    /** Writes a 16-bit integer at {@code offset}. */
    public void setShort(long offset, short value) {
        writableSegment(offset, 2).set(ValueLayout.JAVA_SHORT_UNALIGNED, offset, value);
    }

    /** Reads a 32-bit integer at {@code offset}. */
    public int getInt(long offset) {
        return readable(offset, 4).get(ValueLayout.JAVA_INT_UNALIGNED, offset);
    }

    /** Writes a 32-bit integer at {@code offset}. */
    public void setInt(long offset, int value) {
        writableSegment(offset, 4).set(ValueLayout.JAVA_INT_UNALIGNED, offset, value);
    }

    /** Reads a 64-bit integer at {@code offset}. */
    public long getLong(long offset) {
        return readable(offset, 8).get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
    }

    /** Writes a 64-bit integer at {@code offset}. */
    public void setLong(long offset, long value) {
        writableSegment(offset, 8).set(ValueLayout.JAVA_LONG_UNALIGNED, offset, value);
    }

    /** Reads a {@code float} at {@code offset}. */
    public float getFloat(long offset) {
        return readable(offset, 4).get(ValueLayout.JAVA_FLOAT_UNALIGNED, offset);
    }

    /** Writes a {@code float} at {@code offset}. */
    public void setFloat(long offset, float value) {
        writableSegment(offset, 4).set(ValueLayout.JAVA_FLOAT_UNALIGNED, offset, value);
    }

    /** Reads a {@code double} at {@code offset}. */
    public double getDouble(long offset) {
        return readable(offset, 8).get(ValueLayout.JAVA_DOUBLE_UNALIGNED, offset);
    }

    /** Writes a {@code double} at {@code offset}. */
    public void setDouble(long offset, double value) {
        writableSegment(offset, 8).set(ValueLayout.JAVA_DOUBLE_UNALIGNED, offset, value);
    }

    /** Copies {@code target.length} bytes starting at {@code offset} into {@code target}. */
    public void getBytes(long offset, byte[] target) {
        MemorySegment.copy(readable(offset, target.length), ValueLayout.JAVA_BYTE, offset, target, 0, target.length);
    }

    /** Copies {@code source} into the section at {@code offset}. */
    public void setBytes(long offset, byte[] source) {
        MemorySegment.copy(source, 0, writableSegment(offset, source.length), ValueLayout.JAVA_BYTE, offset, source.length);
    }

    /** Reads a NUL-terminated UTF-8 string from a {@code char[maxBytes]} at {@code offset}. */
    public String getString(long offset, int maxBytes) {
        MemorySegment field = readable(offset, maxBytes).asSlice(offset, maxBytes);
        long length = 0;
        while (length < maxBytes && field.get(ValueLayout.JAVA_BYTE, length) != 0) {
            length++;
        }
        return new String(field.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    /** Writes {@code value} as UTF-8 into a {@code char[maxBytes]} at {@code offset}, NUL-padded. */
    public void setString(long offset, int maxBytes, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= maxBytes) {
            throw new IllegalArgumentException("string for " + section + " of " + object.name() + " at offset " + offset
                    + " is " + bytes.length + " bytes but the field holds " + (maxBytes - 1) + " plus the NUL");
        }
        MemorySegment field = writableSegment(offset, maxBytes).asSlice(offset, maxBytes);
        field.fill((byte) 0);
        MemorySegment.copy(bytes, 0, field, ValueLayout.JAVA_BYTE, 0, bytes.length);
    }

    /**
     * Where the global variable {@code variable} lies in this section, as libbpf laid it out at
     * open. For {@code .kconfig} only libbpf knows: it orders the externs itself, so the offsets
     * in the ELF file do not apply. Works in phases OPENED and LOADED; the answer never changes.
     *
     * @param variable the C name of a (non-static) variable of this section
     * @return its byte offset
     * @throws IllegalArgumentException when the section has no such variable, or the object no BTF
     * @throws IllegalStateException    when the object is closed
     */
    public long offsetOf(String variable) {
        Long offset = variableOffsets().get(variable);
        if (offset == null) {
            List<String> known = List.copyOf(variableOffsets().keySet());
            throw new IllegalArgumentException("object " + object.name() + " has no variable '" + variable + "' in "
                    + section + "; its variables there are " + (known.isEmpty() ? "(none)" : String.join(", ", known)));
        }
        return offset;
    }

    private Map<String, Long> variableOffsets() {
        Map<String, Long> known = offsets;
        if (known == null) {
            synchronized (this) {
                known = offsets;
                if (known == null) {
                    known = readOffsets();
                    offsets = known;
                }
            }
        }
        return known;
    }

    /** Walks the section's DATASEC in libbpf's in-memory copy of the object's BTF. */
    @SuppressWarnings("restricted")
    private Map<String, Long> readOffsets() {
        if (object.phase() == BpfObject.Phase.CLOSED) {
            throw new IllegalStateException("cannot look up variables of " + section + " of " + object.name()
                    + ": the object is closed");
        }
        // libbpf's BTF lives as long as the object: hold it open while reading.
        object.guard().enter();
        try {
            return readOffsets(Libbpf.bpf_object__btf(object.handle()));
        } finally {
            object.guard().exit();
        }
    }

    @SuppressWarnings("restricted")
    private Map<String, Long> readOffsets(MemorySegment btf) {
        if (btf.equals(MemorySegment.NULL)) {
            throw new IllegalArgumentException("cannot look up variables of " + section + " of object " + object.name()
                    + ": the object has no BTF (compile it with clang -g)");
        }
        int id;
        try (Arena local = Arena.ofConfined()) {
            id = Libbpf.btf__find_by_name_kind(btf, local.allocateFrom(section), BTF_KIND_DATASEC);
        }
        Map<String, Long> result = new LinkedHashMap<>();
        if (id <= 0) {
            // A section without a DATASEC (older compilers) has no named variables to report.
            return Collections.unmodifiableMap(result);
        }
        MemorySegment header = Libbpf.btf__type_by_id(btf, id).reinterpret(BTF_TYPE_SIZE);
        int vlen = header.get(ValueLayout.JAVA_INT_UNALIGNED, 4) & 0xffff;
        MemorySegment infos = Libbpf.btf__type_by_id(btf, id).reinterpret(BTF_TYPE_SIZE + vlen * VAR_SECINFO_SIZE)
                .asSlice(BTF_TYPE_SIZE);
        for (int i = 0; i < vlen; i++) {
            int varId = infos.get(ValueLayout.JAVA_INT_UNALIGNED, i * VAR_SECINFO_SIZE);
            long varOffset = Integer.toUnsignedLong(infos.get(ValueLayout.JAVA_INT_UNALIGNED, i * VAR_SECINFO_SIZE + 4));
            MemorySegment var = Libbpf.btf__type_by_id(btf, varId);
            if (var.equals(MemorySegment.NULL)) {
                continue;
            }
            var = var.reinterpret(BTF_TYPE_SIZE);
            if (((var.get(ValueLayout.JAVA_INT_UNALIGNED, 4) >>> 24) & 0x1f) != BTF_KIND_VAR) {
                continue;
            }
            String name = Native.string(Libbpf.btf__name_by_offset(btf, var.get(ValueLayout.JAVA_INT_UNALIGNED, 0)));
            if (name != null && !name.isEmpty()) {
                result.putIfAbsent(name, varOffset);
            }
        }
        return Collections.unmodifiableMap(result);
    }

    @Override
    public String toString() {
        return "GlobalData[" + object.name() + " " + section + ", " + byteSize() + " bytes]";
    }
}
