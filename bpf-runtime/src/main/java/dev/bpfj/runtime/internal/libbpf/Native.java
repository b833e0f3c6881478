package dev.bpfj.runtime.internal.libbpf;

import dev.bpfj.runtime.BpfException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Optional;

/**
 * Shared plumbing for the bindings: the native linker, the libbpf and libc symbol lookups, the
 * errno capture layout and small conversions. Binding libbpf happens once, on first use, and
 * checks its version so that an old or missing library fails with an install hint instead of
 * a missing-symbol crash later.
 */
@SuppressWarnings("restricted")
public final class Native {

    /** The platform linker. */
    static final Linker LINKER = Linker.nativeLinker();

    /** Layout of the state captured by {@link #ERRNO_OPTION}. */
    public static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();

    /** Captures errno right after the call, before the JVM can clobber it. */
    static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");

    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /** The oldest libbpf major version we accept. */
    static final int MIN_MAJOR = 1;

    private static final String INSTALL_HINT = "install libbpf 1.0 or newer: apt-get install libbpf1 "
            + "(Debian/Ubuntu), dnf install libbpf (Fedora/RHEL), apk add libbpf (Alpine)";

    private Native() {
    }

    /** Allocates a segment for one call's captured errno from the caller's arena. */
    public static MemorySegment captureSegment(Arena arena) {
        return arena.allocate(CAPTURE_LAYOUT);
    }

    /** The errno a call captured into {@code capture}. */
    public static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    /**
     * Whether a pointer libbpf returned means failure: NULL, or a value no user-space object has
     * (negative as a signed number, or in the first page). libbpf 1.x returns NULL and sets errno,
     * but on some paths it still encodes an error in the pointer, and one whose code lies outside
     * the errno range passes libbpf's own check (seen with libbpf 1.1 on a damaged object: an
     * "object" at 0xffffffffc0000004).
     */
    public static boolean isErrorPointer(MemorySegment pointer) {
        // signed: every negative address, NULL and the rest of the first page
        return pointer.address() < 4096;
    }

    /** The errno behind a failed pointer result: the encoded one, else what the call captured. */
    public static int pointerErrno(MemorySegment pointer, MemorySegment capture) {
        long address = pointer.address();
        if (address < 0 && address >= -4095) {
            return (int) -address;
        }
        if (address == 0) {
            return errno(capture);
        }
        return Errno.EINVAL;
    }

    /** Reads a NUL-terminated C string, or null for a NULL pointer. */
    public static String string(MemorySegment pointer) {
        if (pointer.equals(MemorySegment.NULL)) {
            return null;
        }
        return pointer.reinterpret(Long.MAX_VALUE).getString(0);
    }

    /**
     * Converts what {@code invokeExact} threw into an unchecked exception. A binding that failed
     * in its holder's initialiser (a function this libbpf lacks) comes back as the
     * {@link BpfException} it threw the first time, and as a {@link BpfException} naming the
     * failure every later time, rather than as the JVM's class-initialisation errors.
     */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof ExceptionInInitializerError init && init.getCause() instanceof BpfException bpf) {
            throw bpf;
        }
        if (t instanceof NoClassDefFoundError again && again.getCause() != null
                && String.valueOf(again.getCause().getMessage()).contains(BpfException.class.getName())) {
            throw new BpfException("bind libbpf", Library.PATH, 0, "an earlier attempt failed: "
                    + again.getCause().getMessage());
        }
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("native call failed", t);
    }

    /** A downcall into libbpf; fails with an install hint when libbpf is missing or too old. */
    static MethodHandle libbpf(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        ensureLibbpf();
        MemorySegment symbol = Library.LOOKUP.find(name).orElseThrow(() -> new BpfException(
                "bind libbpf function " + name, Library.PATH, 0,
                "the installed libbpf lacks it; " + INSTALL_HINT));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    /** A downcall into libbpf if this libbpf has the function. */
    static Optional<MethodHandle> optionalLibbpf(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        ensureLibbpf();
        return Library.LOOKUP.find(name).map(symbol -> LINKER.downcallHandle(symbol, descriptor, options));
    }

    /** A downcall into the C library. */
    static MethodHandle libc(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new IllegalStateException("libc has no function " + name));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    /** The libbpf version as "major.minor"; binds libbpf if that has not happened yet. */
    public static String libbpfVersion() {
        ensureLibbpf();
        return Library.MAJOR + "." + Library.MINOR;
    }

    /** The loaded libbpf's major version; binds libbpf if that has not happened yet. */
    public static int libbpfMajor() {
        ensureLibbpf();
        return Library.MAJOR;
    }

    /** The loaded libbpf's minor version; binds libbpf if that has not happened yet. */
    public static int libbpfMinor() {
        ensureLibbpf();
        return Library.MINOR;
    }

    /**
     * Makes sure libbpf is bound, version-checked and its log routed; idempotent. When it cannot
     * be, every call throws the same {@link BpfException} with the install hint.
     */
    public static void ensureLibbpf() {
        if (Library.FAILURE != null) {
            throw new BpfException(Library.FAILURE[0], Library.FAILURE[1], 0, Library.FAILURE[2]);
        }
    }

    /**
     * Loads libbpf.so.1 once. The version check runs here so that every binding inherits it, and
     * libbpf's print callback is replaced before any other libbpf call can print to stderr.
     */
    private static final class Library {
        static final String PATH = "libbpf.so.1";
        static final SymbolLookup LOOKUP;
        static final int MAJOR;
        static final int MINOR;
        /**
         * Why libbpf cannot be used ({operation, name, hint}), or null. Kept, not thrown: a failed
         * class initialiser reports its exception once and a bare NoClassDefFoundError after that.
         */
        static final String[] FAILURE;

        static {
            SymbolLookup lookup = null;
            int major = 0;
            int minor = 0;
            String[] failure = null;
            try {
                lookup = SymbolLookup.libraryLookup(PATH, Arena.global());
            } catch (IllegalArgumentException e) {
                failure = new String[] {"load " + PATH, null, "it is not installed or not on the library path; "
                        + INSTALL_HINT};
            }
            if (lookup != null) {
                Optional<MemorySegment> majorSymbol = lookup.find("libbpf_major_version");
                Optional<MemorySegment> minorSymbol = lookup.find("libbpf_minor_version");
                if (majorSymbol.isEmpty() || minorSymbol.isEmpty()) {
                    failure = new String[] {"check the libbpf version", PATH,
                        "this libbpf predates 1.0 (no libbpf_major_version), or " + PATH + " is not libbpf; "
                                + INSTALL_HINT};
                } else {
                    FunctionDescriptor u32 = FunctionDescriptor.of(ValueLayout.JAVA_INT);
                    try {
                        major = (int) LINKER.downcallHandle(majorSymbol.get(), u32).invokeExact();
                        minor = (int) LINKER.downcallHandle(minorSymbol.get(), u32).invokeExact();
                    } catch (Throwable t) {
                        throw rethrow(t);
                    }
                    if (major < MIN_MAJOR) {
                        failure = new String[] {"check the libbpf version", PATH,
                            "found libbpf " + major + "." + minor + " but bpfj needs 1.0 or newer; " + INSTALL_HINT};
                    }
                }
            }
            LOOKUP = lookup;
            MAJOR = major;
            MINOR = minor;
            FAILURE = failure;
            if (failure == null) {
                LibbpfLog.install(lookup);
            }
        }
    }
}
