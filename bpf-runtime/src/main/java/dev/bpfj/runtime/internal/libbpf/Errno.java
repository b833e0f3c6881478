package dev.bpfj.runtime.internal.libbpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;

/** Symbolic names and messages for errno values and libbpf's own error codes. */
public final class Errno {

    /** Operation not permitted. */
    public static final int EPERM = 1;
    /** No such file or directory / no such element. */
    public static final int ENOENT = 2;
    /** {@code ESRCH}: no such process (or, from libbpf, no such symbol). */
    public static final int ESRCH = 3;
    /** Interrupted system call. */
    public static final int EINTR = 4;
    /** Resource temporarily unavailable. */
    public static final int EAGAIN = 11;
    /** Permission denied. */
    public static final int EACCES = 13;
    /** File exists. */
    public static final int EEXIST = 17;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** No space left (a full map). */
    public static final int ENOSPC = 28;
    /** Operation not supported. */
    public static final int EOPNOTSUPP = 95;
    /** Kernel-internal "not supported", seen by user space on some paths. */
    public static final int ENOTSUPP = 524;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(1, "EPERM"), Map.entry(2, "ENOENT"), Map.entry(3, "ESRCH"), Map.entry(4, "EINTR"),
            Map.entry(5, "EIO"), Map.entry(6, "ENXIO"), Map.entry(7, "E2BIG"), Map.entry(8, "ENOEXEC"),
            Map.entry(9, "EBADF"), Map.entry(11, "EAGAIN"), Map.entry(12, "ENOMEM"), Map.entry(13, "EACCES"),
            Map.entry(14, "EFAULT"), Map.entry(16, "EBUSY"), Map.entry(17, "EEXIST"), Map.entry(18, "EXDEV"),
            Map.entry(19, "ENODEV"), Map.entry(20, "ENOTDIR"), Map.entry(21, "EISDIR"), Map.entry(22, "EINVAL"),
            Map.entry(23, "ENFILE"), Map.entry(24, "EMFILE"), Map.entry(25, "ENOTTY"), Map.entry(27, "EFBIG"),
            Map.entry(28, "ENOSPC"), Map.entry(30, "EROFS"), Map.entry(34, "ERANGE"), Map.entry(36, "ENAMETOOLONG"),
            Map.entry(38, "ENOSYS"), Map.entry(40, "ELOOP"), Map.entry(61, "ENODATA"), Map.entry(62, "ETIME"),
            Map.entry(71, "EPROTO"), Map.entry(74, "EBADMSG"), Map.entry(75, "EOVERFLOW"),
            Map.entry(95, "EOPNOTSUPP"), Map.entry(110, "ETIMEDOUT"), Map.entry(114, "EALREADY"),
            Map.entry(125, "ECANCELED"), Map.entry(524, "ENOTSUPP"),
            Map.entry(4000, "LIBBPF_ERRNO__LIBELF"), Map.entry(4001, "LIBBPF_ERRNO__FORMAT"),
            Map.entry(4002, "LIBBPF_ERRNO__KVERSION"), Map.entry(4003, "LIBBPF_ERRNO__ENDIAN"),
            Map.entry(4004, "LIBBPF_ERRNO__INTERNAL"), Map.entry(4005, "LIBBPF_ERRNO__RELOC"),
            Map.entry(4006, "LIBBPF_ERRNO__LOAD"), Map.entry(4007, "LIBBPF_ERRNO__VERIFY"),
            Map.entry(4008, "LIBBPF_ERRNO__PROG2BIG"), Map.entry(4009, "LIBBPF_ERRNO__KVER"),
            Map.entry(4010, "LIBBPF_ERRNO__PROGTYPE"), Map.entry(4011, "LIBBPF_ERRNO__WRNGPID"),
            Map.entry(4012, "LIBBPF_ERRNO__INVSEQ"), Map.entry(4013, "LIBBPF_ERRNO__NLPARSE"));

    private Errno() {
    }

    /** The symbolic name of a positive errno, like {@code EPERM}, or {@code errno N}. */
    public static String name(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }

    /** libbpf's description of a positive errno or libbpf error code. */
    public static String message(int errno) {
        if (errno == ENOTSUPP) {
            return "Operation not supported by this kernel";
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(256);
            Libbpf.libbpf_strerror(errno, buffer, buffer.byteSize());
            String text = buffer.getString(0);
            return text.isEmpty() ? name(errno) : text;
        } catch (RuntimeException | LinkageError e) {
            // libbpf itself may be what is missing; the name is still useful.
            return name(errno);
        }
    }
}
