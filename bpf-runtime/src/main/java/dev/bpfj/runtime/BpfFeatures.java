package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.Environment;
import dev.bpfj.runtime.internal.libbpf.Errno;
import dev.bpfj.runtime.internal.libbpf.Libbpf;
import dev.bpfj.runtime.internal.libbpf.LibbpfAttach;
import dev.bpfj.runtime.internal.libbpf.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What the running kernel supports, like {@code bpftool feature probe}, so that an application (or
 * a test) can decide before it fails: program types, map types and helpers (probed by loading tiny
 * programs and creating tiny maps through libbpf's {@code libbpf_probe_bpf_*}), attach types (the
 * kernel's own BTF lists the ones it knows), kernel BTF itself, and netkit devices.
 *
 * <p>A "supported" program type means the kernel loads programs of that type; it can still refuse
 * to attach or register them for other reasons (lockdown, a missing config option), which the
 * attach call then reports. Probes that load programs need the same privileges as loading.
 */
public final class BpfFeatures {

    private static final int BTF_KIND_STRUCT = 4;
    private static final int BTF_KIND_ENUM = 6;
    private static final long PROG_LOAD_OPTS_SIZE = 104;
    private static volatile Map<String, Map<String, Long>> kernelEnums;

    private BpfFeatures() {
    }

    /** True when the kernel loads programs of {@code type} ({@code libbpf_probe_bpf_prog_type}). */
    public static boolean programType(ProgramType type) {
        requireKnown(type == ProgramType.UNSPEC || type == ProgramType.UNKNOWN, type);
        Native.ensureLibbpf();
        int rc = LibbpfAttach.libbpf_probe_bpf_prog_type(type.value(), MemorySegment.NULL);
        if (rc == -Errno.EOPNOTSUPP) {
            throw new BpfException("probe program type", type.name(), Errno.EOPNOTSUPP, "libbpf " + Native.libbpfVersion()
                    + " does not know how to probe this program type (a newer libbpf does)");
        }
        return probeResult("probe program type", type.name(), rc);
    }

    /** True when the kernel creates maps of {@code type} ({@code libbpf_probe_bpf_map_type}). */
    public static boolean mapType(MapType type) {
        requireKnown(type == MapType.UNSPEC || type == MapType.UNKNOWN, type);
        Native.ensureLibbpf();
        int rc = LibbpfAttach.libbpf_probe_bpf_map_type(type.value(), MemorySegment.NULL);
        if (rc == -Errno.EOPNOTSUPP) {
            throw new BpfException("probe map type", type.name(), Errno.EOPNOTSUPP, "libbpf " + Native.libbpfVersion()
                    + " does not know how to probe this map type (a newer libbpf does)");
        }
        return probeResult("probe map type", type.name(), rc);
    }

    /**
     * True when programs of {@code type} may call the helper numbered {@code helperId}
     * ({@code enum bpf_func_id}); false also when the program type itself is unsupported.
     */
    public static boolean helper(ProgramType type, int helperId) {
        requireKnown(type == ProgramType.UNSPEC || type == ProgramType.UNKNOWN, type);
        if (helperId <= 0) {
            throw new IllegalArgumentException("helper ids start at 1 (BPF_FUNC_map_lookup_elem), got " + helperId);
        }
        Native.ensureLibbpf();
        int rc = LibbpfAttach.libbpf_probe_bpf_helper(type.value(), helperId, MemorySegment.NULL);
        if (rc == -Errno.EOPNOTSUPP) {
            return false; // the program type is unsupported, so is the helper in it
        }
        if (!probeResult("probe helper", helperId + " in " + type, rc)) {
            return false;
        }
        // libbpf 1.1 recognises only older verifier messages for an unavailable helper; newer kernels
        // say "program of this type cannot use helper", which it takes for "available". Ask again.
        return !verifierRefusesHelper(type, helperId);
    }

    /**
     * Loads {@code r1..r5 = 0; call helperId; r0 = 0; exit} as a program of {@code type} and
     * returns true when the verifier's log says the helper is not available to that type. Other
     * rejections (argument checks, a missing attach type) say nothing about the helper: false.
     */
    private static boolean verifierRefusesHelper(ProgramType type, int helperId) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment insns = arena.allocate(8L * 8, 8);
            for (int register = 1; register <= 5; register++) {
                instruction(insns, register - 1, 0xb7, register, 0); // r<n> = 0
            }
            instruction(insns, 5, 0x85, 0, helperId); // call helperId
            instruction(insns, 6, 0xb7, 0, 0); // r0 = 0
            instruction(insns, 7, 0x95, 0, 0); // exit
            int logSize = 64 * 1024;
            MemorySegment log = arena.allocate(logSize);
            MemorySegment opts = arena.allocate(PROG_LOAD_OPTS_SIZE, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, PROG_LOAD_OPTS_SIZE);
            opts.set(ValueLayout.JAVA_INT, 12, expectedAttachType(type));
            opts.set(ValueLayout.JAVA_INT, 88, 1);
            opts.set(ValueLayout.JAVA_INT, 92, logSize);
            opts.set(ValueLayout.ADDRESS, 96, log);
            int fd = LibbpfAttach.bpf_prog_load(type.value(), MemorySegment.NULL, arena.allocateFrom("GPL"), insns, 8, opts);
            if (fd >= 0) {
                dev.bpfj.runtime.internal.libbpf.Libc.close(Native.captureSegment(arena), fd);
                return false;
            }
            String text = log.getString(0);
            return text.contains("cannot use helper") || text.contains("unknown func") || text.contains("invalid func");
        }
    }

    private static void instruction(MemorySegment insns, int index, int code, int dst, int imm) {
        long at = 8L * index;
        insns.set(ValueLayout.JAVA_BYTE, at, (byte) code);
        insns.set(ValueLayout.JAVA_BYTE, at + 1, (byte) dst);
        insns.set(ValueLayout.JAVA_SHORT, at + 2, (short) 0);
        insns.set(ValueLayout.JAVA_INT, at + 4, imm);
    }

    /** An attach type the kernel requires at load for program types that need one, else 0. */
    private static int expectedAttachType(ProgramType type) {
        return switch (type) {
            case CGROUP_SOCK_ADDR -> AttachType.CGROUP_INET4_CONNECT.value();
            case CGROUP_SOCKOPT -> AttachType.CGROUP_GETSOCKOPT.value();
            case SK_LOOKUP -> AttachType.SK_LOOKUP.value();
            case NETFILTER -> AttachType.NETFILTER.value();
            case CGROUP_SOCK -> AttachType.CGROUP_INET_SOCK_CREATE.value();
            default -> 0;
        };
    }

    /**
     * Like {@link #helper(ProgramType, int)} with the helper's name ({@code bpf_ringbuf_output} or
     * {@code ringbuf_output}), resolved through the kernel's BTF ({@code enum bpf_func_id}); a name
     * the kernel does not know is unsupported.
     *
     * @throws BpfException when the kernel has no BTF to resolve the name with (use the id instead)
     */
    public static boolean helper(ProgramType type, String helperName) {
        Objects.requireNonNull(helperName, "helperName");
        String bare = helperName.startsWith("bpf_") ? helperName.substring(4) : helperName;
        Long id = kernelEnum("bpf_func_id", "probe helper " + helperName).get("BPF_FUNC_" + bare);
        return id != null && helper(type, id.intValue());
    }

    /**
     * True when the kernel knows the attach type: its BTF lists it in {@code enum bpf_attach_type}.
     * (Knowing a type is necessary, not sufficient: netkit attach types exist in kernels built without
     * netkit devices, see {@link #netkitDevices()}.)
     *
     * @throws BpfException when the kernel has no BTF ({@link #kernelBtf()} is false)
     */
    public static boolean attachType(AttachType type) {
        requireKnown(type == AttachType.UNKNOWN, type);
        return kernelEnum("bpf_attach_type", "probe attach type " + type).containsKey(type.kernelName());
    }

    /** True when the kernel has BTF at {@code /sys/kernel/btf/vmlinux} (needed by CO-RE, tp_btf, fentry, iterators). */
    public static boolean kernelBtf() {
        return Environment.kernelBtf();
    }

    /** True when netkit devices exist here (built in, or the {@code netkit} module is loaded): Linux 6.7+ with {@code CONFIG_NETKIT}. */
    public static boolean netkitDevices() {
        if (Files.exists(Path.of("/sys/kernel/btf/netkit")) || Files.isDirectory(Path.of("/sys/module/netkit"))) {
            return true;
        }
        return kernelBtf() && kernelStruct("netkit");
    }

    /**
     * A report like {@code bpftool feature probe kernel}: kernel BTF, then every program type,
     * map type and attach type bpfj knows, each "is available" or "is NOT available".
     */
    public static String report() {
        StringBuilder text = new StringBuilder();
        text.append("kernel BTF ").append(kernelBtf() ? "is available" : "is NOT available").append('\n');
        for (ProgramType type : ProgramType.values()) {
            if (type != ProgramType.UNSPEC && type != ProgramType.UNKNOWN) {
                line(text, "program_type", type.name(), () -> programType(type));
            }
        }
        for (MapType type : MapType.values()) {
            if (type != MapType.UNSPEC && type != MapType.UNKNOWN) {
                line(text, "map_type", type.name(), () -> mapType(type));
            }
        }
        if (kernelBtf()) {
            for (AttachType type : AttachType.values()) {
                if (type != AttachType.UNKNOWN) {
                    line(text, "attach_type", type.name(), attachType(type));
                }
            }
        }
        line(text, "device", "netkit", netkitDevices());
        return text.toString();
    }

    private static void line(StringBuilder text, String what, String name, java.util.function.BooleanSupplier probe) {
        try {
            line(text, what, name, probe.getAsBoolean());
        } catch (BpfException unprobeable) {
            text.append(what).append(' ').append(name.toLowerCase(Locale.ROOT)).append(" cannot be probed: ")
                    .append(unprobeable.hint() != null ? unprobeable.hint() : unprobeable.getMessage()).append('\n');
        }
    }

    private static void line(StringBuilder text, String what, String name, boolean available) {
        text.append(what).append(' ').append(name.toLowerCase(Locale.ROOT))
                .append(available ? " is available" : " is NOT available").append('\n');
    }

    private static void requireKnown(boolean unknown, Object type) {
        Objects.requireNonNull(type, "type");
        if (unknown) {
            throw new IllegalArgumentException("cannot probe " + type + ": not a type the kernel numbers");
        }
    }

    private static boolean probeResult(String operation, String target, int rc) {
        if (rc < 0) {
            throw new BpfException(operation, target, -rc, Environment.hintFor(-rc));
        }
        return rc > 0;
    }

    /** The enumerators of the kernel BTF's {@code enum name}, read once per process. */
    private static Map<String, Long> kernelEnum(String name, String operation) {
        Map<String, Map<String, Long>> enums = kernelEnums;
        if (enums == null) {
            enums = readKernelEnums(operation);
            kernelEnums = enums;
        }
        Map<String, Long> values = enums.get(name);
        if (values == null) {
            throw new BpfException(operation, null, Errno.ENOENT, "the kernel's BTF has no enum " + name);
        }
        return values;
    }

    @SuppressWarnings("restricted")
    private static Map<String, Map<String, Long>> readKernelEnums(String operation) {
        Native.ensureLibbpf();
        if (!kernelBtf()) {
            throw new BpfException(operation, null, Errno.ENOENT, Environment.BTF_HINT);
        }
        Map<String, Map<String, Long>> result = new LinkedHashMap<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = Native.captureSegment(arena);
            MemorySegment btf = LibbpfAttach.btf__load_vmlinux_btf(capture);
            if (btf.equals(MemorySegment.NULL)) {
                throw new BpfException(operation, "/sys/kernel/btf/vmlinux", Native.errno(capture), "could not read the kernel's BTF");
            }
            try {
                for (String name : new String[] {"bpf_attach_type", "bpf_func_id", "bpf_prog_type", "bpf_map_type"}) {
                    int id = Libbpf.btf__find_by_name_kind(btf, arena.allocateFrom(name), BTF_KIND_ENUM);
                    if (id <= 0) {
                        continue;
                    }
                    MemorySegment type = Libbpf.btf__type_by_id(btf, id).reinterpret(12);
                    int count = type.get(ValueLayout.JAVA_INT, 4) & 0xffff;
                    MemorySegment members = Libbpf.btf__type_by_id(btf, id).reinterpret(12L + 8L * count);
                    Map<String, Long> values = new LinkedHashMap<>();
                    for (int i = 0; i < count; i++) {
                        int nameOffset = members.get(ValueLayout.JAVA_INT, 12L + 8L * i);
                        long value = members.get(ValueLayout.JAVA_INT, 12L + 8L * i + 4);
                        values.put(Native.string(Libbpf.btf__name_by_offset(btf, nameOffset)), value);
                    }
                    result.put(name, Collections.unmodifiableMap(values));
                }
            } finally {
                LibbpfAttach.btf__free(btf);
            }
        }
        return Collections.unmodifiableMap(result);
    }

    private static boolean kernelStruct(String name) {
        Native.ensureLibbpf();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = Native.captureSegment(arena);
            MemorySegment btf = LibbpfAttach.btf__load_vmlinux_btf(capture);
            if (btf.equals(MemorySegment.NULL)) {
                return false;
            }
            try {
                return Libbpf.btf__find_by_name_kind(btf, arena.allocateFrom(name), BTF_KIND_STRUCT) > 0;
            } finally {
                LibbpfAttach.btf__free(btf);
            }
        }
    }
}
