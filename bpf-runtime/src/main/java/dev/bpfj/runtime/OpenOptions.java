package dev.bpfj.runtime;

import java.nio.file.Path;

/**
 * How to open an object; every component may be null to take libbpf's default.
 *
 * @param objectName    the object's name (prefix of its internal maps' names); default: the
 *                      file name without {@code .o}, or libbpf's generated name for bytes
 * @param btfCustomPath kernel BTF to use instead of {@code /sys/kernel/btf/vmlinux}, for kernels
 *                      built without BTF
 * @param pinRoot       the bpffs folder maps with {@code LIBBPF_PIN_BY_NAME} are pinned in;
 *                      default {@code /sys/fs/bpf}
 */
public record OpenOptions(String objectName, Path btfCustomPath, Path pinRoot) {

    private static final OpenOptions DEFAULTS = new OpenOptions(null, null, null);

    /** Options with every default. */
    public static OpenOptions defaults() {
        return DEFAULTS;
    }

    /** A copy with {@code objectName} set. */
    public OpenOptions withObjectName(String name) {
        return new OpenOptions(name, btfCustomPath, pinRoot);
    }

    /** A copy with {@code btfCustomPath} set. */
    public OpenOptions withBtfCustomPath(Path path) {
        return new OpenOptions(objectName, path, pinRoot);
    }

    /** A copy with {@code pinRoot} set. */
    public OpenOptions withPinRoot(Path path) {
        return new OpenOptions(objectName, btfCustomPath, path);
    }
}
