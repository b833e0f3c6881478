package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.Environment;
import dev.bpfj.runtime.internal.libbpf.Errno;
import dev.bpfj.runtime.internal.libbpf.Native;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hints for loads that fail for a reason outside the program's code: the kernel refusing a program
 * kind (a privileged process that still gets EPERM for fentry/fexit/fmod_ret/freplace/lsm/struct_ops
 * programs is on a kernel that does not allow BPF trampolines or struct_ops: lockdown, or an
 * architecture/config without them), and a pinned map of another definition in the way.
 */
final class LoadHints {

    private static final Pattern FAILED_PROGRAM = Pattern.compile("prog '([^']+)': (?:BPF program load failed|failed to load)");

    private LoadHints() {
    }

    /** libbpf's words when a map pinned by name exists with another definition. */
    private static final Pattern PIN_MISMATCH = Pattern.compile("couldn't reuse pinned map at '([^']+)': parameter mismatch");

    /**
     * Why a map with {@code LIBBPF_PIN_BY_NAME} could not be created: a map is pinned at its path
     * already, with another type, key or value size, max_entries or flags (left by another
     * program using the same name, or by an older build of this one); null when the log says
     * nothing of that.
     */
    static String pinnedMapMismatch(String log) {
        Matcher matcher = PIN_MISMATCH.matcher(log);
        if (!matcher.find()) {
            return null;
        }
        String path = matcher.group(1);
        return "a map pinned at " + path + " (LIBBPF_PIN_BY_NAME) has another definition than this object's map of "
                + "that name (type, key or value size, max_entries or flags), so libbpf can neither reuse it nor pin "
                + "its own there; it was left by another program or an older build: compare with bpftool map show "
                + "pinned " + path + ", then remove it (rm " + path + ") if nothing uses it, or pin this object's maps "
                + "elsewhere (OpenOptions.withPinRoot)";
    }

    /**
     * A hint for {@code object}'s failed load with {@code errno} and libbpf's {@code log}, or null.
     *
     * @param verifierRan whether the kernel's verifier produced a log: then only a privileged EPERM
     *                    (or a struct_ops program without its map) is about the program's kind
     */
    static String refusedKind(BpfObject object, int errno, String log, boolean verifierRan) {
        Matcher matcher = FAILED_PROGRAM.matcher(log);
        if (!matcher.find()) {
            return null;
        }
        BpfProgram program;
        try {
            program = object.program(matcher.group(1));
        } catch (RuntimeException unknown) {
            return null;
        }
        ProgramType type = program.type();
        if (type == ProgramType.STRUCT_OPS && object.maps().stream().noneMatch(map -> map.type() == MapType.STRUCT_OPS)) {
            return "struct_ops program " + program.name() + " belongs to no struct_ops map libbpf " + Native.libbpfVersion()
                    + " knows: maps in SEC(\".struct_ops.link\") need libbpf >= 1.2; declare the map in SEC(\".struct_ops\")"
                    + " or install a newer libbpf";
        }
        boolean kindErrno = verifierRan ? errno == Errno.EPERM && Environment.privileged()
                : errno == Errno.EPERM || errno == Errno.EOPNOTSUPP || errno == Errno.ENOTSUPP || errno == Errno.EINVAL;
        if (!kindErrno) {
            return null;
        }
        String kind = switch (type) {
            case TRACING -> "fentry/fexit/fmod_ret";
            case LSM -> "lsm";
            case EXT -> "freplace";
            case STRUCT_OPS -> "struct_ops";
            default -> null;
        };
        if (kind == null) {
            return null;
        }
        String section = program.sectionName();
        if (type == ProgramType.TRACING && (section.startsWith("iter/") || section.startsWith("iter.s/"))) {
            return "program " + program.name() + " (" + section + ") is an iterator program and this kernel refused it"
                    + " although the process is privileged: this iterator kind is not allowed here (other iterators,"
                    + " like iter/task, may be). Turn its autoload off to load the rest of the object";
        }
        String feature = type == ProgramType.STRUCT_OPS ? "struct_ops" : "BPF trampolines";
        return "program " + program.name() + " (" + program.sectionName() + ") is a " + kind + " program and this kernel refused it"
                + " although the process is privileged: the kernel does not allow " + feature + " here (kernel lockdown,"
                + " or an architecture/config without them: trampolines need CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS on"
                + " x86-64 or arm64, lsm also CONFIG_BPF_LSM with bpf in the lsm= boot list;"
                + " BpfFeatures.programType(ProgramType." + type + ") tells in advance)."
                + " Turn its autoload off to load the rest of the object";
    }
}
