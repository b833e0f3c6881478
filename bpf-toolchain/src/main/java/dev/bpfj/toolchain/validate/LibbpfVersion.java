package dev.bpfj.toolchain.validate;

/**
 * A libbpf release, {@code major.minor} (patch releases add no section names or features).
 *
 * @param major the major version, 1 for every libbpf bpfj supports
 * @param minor the minor version
 */
public record LibbpfVersion(int major, int minor) implements Comparable<LibbpfVersion> {

    /** The oldest libbpf bpfj's runtime binds, and the default minimum a build targets. */
    public static final LibbpfVersion OLDEST_SUPPORTED = new LibbpfVersion(1, 0);

    /**
     * Checks the components.
     *
     * @param major the major version
     * @param minor the minor version
     */
    public LibbpfVersion {
        if (major < 0 || minor < 0) {
            throw new IllegalArgumentException("a libbpf version has no negative parts: " + major + "." + minor);
        }
    }

    /**
     * Parses {@code 1.3} (a patch level, {@code 1.3.2}, is accepted and ignored).
     *
     * @param text the version
     * @return the version
     * @throws IllegalArgumentException when the text is not a version
     */
    public static LibbpfVersion parse(String text) {
        String[] parts = text.strip().split("\\.", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("'" + text + "' is not a libbpf version: write major.minor, e.g. 1.3");
        }
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = Integer.parseInt(parts[1]);
            if (parts.length == 3) {
                Integer.parseInt(parts[2]);
            }
            return new LibbpfVersion(major, minor);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a libbpf version: write major.minor, e.g. 1.3");
        }
    }

    @Override
    public int compareTo(LibbpfVersion other) {
        return major != other.major ? Integer.compare(major, other.major) : Integer.compare(minor, other.minor);
    }

    /**
     * @param other another version
     * @return whether this version is older than {@code other}
     */
    public boolean isOlderThan(LibbpfVersion other) {
        return compareTo(other) < 0;
    }

    /** @return {@code major.minor} */
    @Override
    public String toString() {
        return major + "." + minor;
    }
}
