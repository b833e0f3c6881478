package dev.bpfj.toolchain.clang;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Maps the JVM's {@code os.arch} to the two names a BPF build needs: the suffix of libbpf's
 * {@code __TARGET_ARCH_<arch>} macro (which selects the {@code pt_regs} layout in
 * {@code bpf_tracing.h}) and the Debian multiarch triplet whose include directory holds
 * {@code asm/types.h}.
 */
public final class TargetArch {

    /** os.arch -> libbpf's arch name, as bpf_tracing.h spells it. */
    private static final Map<String, String> LIBBPF_ARCH = Map.ofEntries(
            Map.entry("amd64", "x86"),
            Map.entry("x86_64", "x86"),
            Map.entry("x86", "x86"),
            Map.entry("i386", "x86"),
            Map.entry("i686", "x86"),
            Map.entry("aarch64", "arm64"),
            Map.entry("arm64", "arm64"),
            Map.entry("arm", "arm"),
            Map.entry("s390x", "s390"),
            Map.entry("s390", "s390"),
            Map.entry("ppc64le", "powerpc"),
            Map.entry("ppc64", "powerpc"),
            Map.entry("riscv64", "riscv"),
            Map.entry("mips64el", "mips"),
            Map.entry("mips64", "mips"),
            Map.entry("loongarch64", "loongarch"),
            Map.entry("sparcv9", "sparc"));

    /** os.arch -> Debian multiarch triplet (the directory under /usr/include). */
    private static final Map<String, String> MULTIARCH = Map.ofEntries(
            Map.entry("amd64", "x86_64-linux-gnu"),
            Map.entry("x86_64", "x86_64-linux-gnu"),
            Map.entry("x86", "i386-linux-gnu"),
            Map.entry("i386", "i386-linux-gnu"),
            Map.entry("i686", "i386-linux-gnu"),
            Map.entry("aarch64", "aarch64-linux-gnu"),
            Map.entry("arm64", "aarch64-linux-gnu"),
            Map.entry("arm", "arm-linux-gnueabihf"),
            Map.entry("s390x", "s390x-linux-gnu"),
            Map.entry("ppc64le", "powerpc64le-linux-gnu"),
            Map.entry("ppc64", "powerpc64-linux-gnu"),
            Map.entry("riscv64", "riscv64-linux-gnu"),
            Map.entry("mips64el", "mips64el-linux-gnuabi64"),
            Map.entry("loongarch64", "loongarch64-linux-gnu"));

    private TargetArch() {
    }

    /**
     * The libbpf architecture name for a JVM {@code os.arch} value.
     *
     * @param osArch the value of the {@code os.arch} system property
     * @return the name to put after {@code __TARGET_ARCH_}, if this architecture is known
     */
    public static Optional<String> libbpfArch(String osArch) {
        return Optional.ofNullable(LIBBPF_ARCH.get(osArch.toLowerCase(Locale.ROOT)));
    }

    /**
     * The Debian multiarch triplet for a JVM {@code os.arch} value.
     *
     * @param osArch the value of the {@code os.arch} system property
     * @return the triplet, if this architecture is known
     */
    public static Optional<String> multiarch(String osArch) {
        return Optional.ofNullable(MULTIARCH.get(osArch.toLowerCase(Locale.ROOT)));
    }
}
