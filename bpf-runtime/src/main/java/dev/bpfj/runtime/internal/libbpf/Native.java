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

    /** Reads a NUL-terminated C string, or null for a NULL pointer. */
    public static String string(MemorySegment pointer) {
        if (pointer.equals(MemorySegment.NULL)) {
            return null;
        }
        return pointer.reinterpret(Long.MAX_VALUE).getString(0);
    }

    /** Converts what {@code invokeExact} threw into an unchecked exception. */
    static RuntimeException rethrow(Throwable t) {
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
        MemorySegment symbol = Library.LOOKUP.find(name).orElseThrow(() -> new BpfException(
                "bind libbpf function " + name, Library.PATH, 0,
                "the installed libbpf lacks it; " + INSTALL_HINT));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    /** A downcall into libbpf if this libbpf has the function. */
    static Optional<MethodHandle> optionalLibbpf(String name, FunctionDescriptor descriptor, Linker.Option... options) {
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
        return Library.MAJOR + "." + Library.MINOR;
    }

    /** The loaded libbpf's major version; binds libbpf if that has not happened yet. */
    public static int libbpfMajor() {
        return Library.MAJOR;
    }

    /** The loaded libbpf's minor version; binds libbpf if that has not happened yet. */
    public static int libbpfMinor() {
        return Library.MINOR;
    }

    /** Makes sure libbpf is bound, version-checked and its log routed; idempotent. */
    public static void ensureLibbpf() {
        if (Library.MAJOR < MIN_MAJOR) {
            throw new AssertionError("unreachable: the version check failed in the initialiser");
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

        static {
            SymbolLookup lookup;
            try {
                lookup = SymbolLookup.libraryLookup(PATH, Arena.global());
            } catch (IllegalArgumentException e) {
                throw new BpfException("load " + PATH, null, 0, "it is not installed or not on the library path; "
                        + INSTALL_HINT);
            }
            LOOKUP = lookup;
            Optional<MemorySegment> major = lookup.find("libbpf_major_version");
            Optional<MemorySegment> minor = lookup.find("libbpf_minor_version");
            if (major.isEmpty() || minor.isEmpty()) {
                throw new BpfException("check the libbpf version", PATH, 0,
                        "this libbpf predates 1.0 (no libbpf_major_version); " + INSTALL_HINT);
            }
            FunctionDescriptor u32 = FunctionDescriptor.of(ValueLayout.JAVA_INT);
            try {
                MAJOR = (int) LINKER.downcallHandle(major.get(), u32).invokeExact();
                MINOR = (int) LINKER.downcallHandle(minor.get(), u32).invokeExact();
            } catch (Throwable t) {
                throw rethrow(t);
            }
            if (MAJOR < MIN_MAJOR) {
                throw new BpfException("check the libbpf version", PATH, 0,
                        "found libbpf " + MAJOR + "." + MINOR + " but bpfj needs 1.0 or newer; " + INSTALL_HINT);
            }
            LibbpfLog.install(lookup);
        }
    }
}
