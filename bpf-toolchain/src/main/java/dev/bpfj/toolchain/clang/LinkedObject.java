package dev.bpfj.toolchain.clang;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A group of sources compiled separately and statically linked into one object, as
 * {@code bpftool gen object} does: {@code name} {@code tracer} gives {@code tracer.bpf.o} (and
 * the skeleton class {@code TracerBpf}).
 *
 * @param name    the object's base name: letters, digits, {@code _} and {@code -}, starting with a letter
 * @param sources the member sources: paths or Ant-style patterns relative to the source directory
 */
public record LinkedObject(String name, List<String> sources) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");

    /**
     * Checks the components.
     *
     * @param name    the object's base name
     * @param sources the member patterns
     */
    public LinkedObject {
        Objects.requireNonNull(name, "name");
        sources = List.copyOf(sources);
    }

    /** @return whether the name can be a file name and, through the skeleton, a Java class name */
    boolean hasValidName() {
        return NAME.matcher(name).matches();
    }
}
