package dev.bpfj.toolchain.validate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which libbpf release first understood each section name, map type and object feature newer
 * than libbpf 1.0: the table {@code libbpf-versions.txt}, a resource of this package. The runtime
 * carries an identical copy (a test compares them), so that the build-time message and the
 * load-time message come from the same data without the runtime depending on the toolchain.
 */
public final class LibbpfFeatures {

    /** What a table entry is about. */
    public enum Kind {
        /** A program section name in SEC(). */
        SECTION,
        /** A map type, by its {@code BPF_MAP_TYPE_} suffix in lower case. */
        MAP_TYPE,
        /** An ELF section of the object (a map or data section). */
        ELF_SECTION
    }

    /**
     * One table entry.
     *
     * @param kind  what it names
     * @param name  the name; for a section, {@code name+} also matches {@code name/<anything>}
     * @param since the first libbpf release that understands it
     */
    public record Entry(Kind kind, String name, LibbpfVersion since) {

        /**
         * @param candidate a section name (without a leading {@code ?}), map type or ELF section
         * @return whether this entry is about it
         */
        boolean matches(String candidate) {
            if (kind == Kind.SECTION && name.endsWith("+")) {
                String base = name.substring(0, name.length() - 1);
                return candidate.equals(base) || candidate.startsWith(base + "/");
            }
            return candidate.equals(name);
        }

        /** @return the name as users write it (without libbpf's {@code +}) */
        public String displayName() {
            return name.endsWith("+") ? name.substring(0, name.length() - 1) : name;
        }
    }

    private static final String RESOURCE = "libbpf-versions.txt";
    private static final List<Entry> ENTRIES = load();

    private LibbpfFeatures() {
    }

    /** @return every entry, in the table's order */
    public static List<Entry> entries() {
        return ENTRIES;
    }

    /**
     * The entry for a program section name.
     *
     * @param section as written in SEC(), a leading {@code ?} allowed
     * @return the entry when the section needs a libbpf newer than 1.0
     */
    public static Optional<Entry> section(String section) {
        return find(Kind.SECTION, section.startsWith("?") ? section.substring(1) : section);
    }

    /**
     * The entry for a map type.
     *
     * @param mapType the {@code BPF_MAP_TYPE_} suffix, any case ({@code ARENA})
     * @return the entry when the type needs a libbpf newer than 1.0
     */
    public static Optional<Entry> mapType(String mapType) {
        return find(Kind.MAP_TYPE, mapType.toLowerCase(Locale.ROOT));
    }

    /**
     * The entry for an ELF section of the object.
     *
     * @param elfSection e.g. {@code .struct_ops.link}
     * @return the entry when the section needs a libbpf newer than 1.0
     */
    public static Optional<Entry> elfSection(String elfSection) {
        return find(Kind.ELF_SECTION, elfSection);
    }

    private static Optional<Entry> find(Kind kind, String name) {
        for (Entry entry : ENTRIES) {
            if (entry.kind() == kind && entry.matches(name)) {
                return Optional.of(entry);
            }
        }
        return Optional.empty();
    }

    /**
     * Parses the table's text.
     *
     * @param lines the lines of {@code libbpf-versions.txt}
     * @return its entries
     * @throws IllegalArgumentException on a malformed line
     */
    static List<Entry> parse(List<String> lines) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\\s+");
            if (fields.length != 3) {
                throw new IllegalArgumentException(RESOURCE + " line " + (i + 1) + ": expected 'kind name since': " + line);
            }
            Kind kind = Kind.valueOf(fields[0].toUpperCase(Locale.ROOT).replace('-', '_'));
            entries.add(new Entry(kind, fields[1], LibbpfVersion.parse(fields[2])));
        }
        return List.copyOf(entries);
    }

    private static List<Entry> load() {
        try (InputStream in = LibbpfFeatures.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from bpf-toolchain's jar");
            }
            List<String> lines = new ArrayList<>();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    lines.add(line);
                }
            }
            return parse(lines);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
