package dev.bpfj.toolchain.clang;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A clang release number, read from the first line of {@code clang --version}.
 *
 * @param major the major version, e.g. 14
 * @param minor the minor version
 * @param patch the patch level
 */
public record ClangVersion(int major, int minor, int patch) implements Comparable<ClangVersion> {

    /**
     * The oldest clang this toolchain accepts: 12. clang has emitted BTF for {@code -target bpf}
     * since 10, but libbpf's {@code bpf_core_read.h} uses {@code __builtin_preserve_type_info}
     * and {@code __builtin_preserve_enum_value} (behind {@code bpf_core_type_exists},
     * {@code bpf_core_enum_value}, ...), which first shipped in clang 12. An older clang fails
     * on those headers with errors that do not point at the real cause.
     */
    public static final ClangVersion MINIMUM = new ClangVersion(12, 0, 0);

    // Matches "clang version 14.0.6", "Debian clang version 14.0.6", "Ubuntu clang version 18.1.3 (1ubuntu1)",
    // "Apple clang version 15.0.0 (...)", "clang version 17.0.0git". Patch is optional.
    private static final Pattern VERSION = Pattern.compile("clang version (\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    /**
     * Reads the version from {@code clang --version} output.
     *
     * @param versionOutput everything {@code clang --version} printed
     * @return the version, or empty when the text is not from clang
     */
    public static Optional<ClangVersion> parse(String versionOutput) {
        Matcher matcher = VERSION.matcher(versionOutput);
        if (!matcher.find()) {
            return Optional.empty();
        }
        int patch = matcher.group(3) == null ? 0 : Integer.parseInt(matcher.group(3));
        return Optional.of(new ClangVersion(
                Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)), patch));
    }

    /**
     * Whether this version is at least {@link #MINIMUM}.
     *
     * @return {@code true} when this clang is new enough
     */
    public boolean isSupported() {
        return compareTo(MINIMUM) >= 0;
    }

    @Override
    public int compareTo(ClangVersion other) {
        int byMajor = Integer.compare(major, other.major);
        if (byMajor != 0) {
            return byMajor;
        }
        int byMinor = Integer.compare(minor, other.minor);
        return byMinor != 0 ? byMinor : Integer.compare(patch, other.patch);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
