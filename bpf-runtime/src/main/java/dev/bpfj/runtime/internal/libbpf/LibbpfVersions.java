package dev.bpfj.runtime.internal.libbpf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which libbpf release first understood each section name, map type and ELF section newer than
 * libbpf 1.0, from {@code libbpf-versions.txt} (the same table bpf-toolchain validates against; a
 * toolchain test keeps the two copies identical). Used to say "needs libbpf &ge; X, this process
 * loaded libbpf A.B" where libbpf itself only says it does not know a section.
 */
public final class LibbpfVersions {

    /**
     * One table entry.
     *
     * @param kind  {@code section}, {@code map-type} or {@code elf-section}
     * @param name  the name; a section ending in {@code +} also matches {@code name/<anything>}
     * @param major the first libbpf major version that knows it
     * @param minor the first libbpf minor version that knows it
     */
    record Entry(String kind, String name, int major, int minor) {

        boolean matches(String candidate) {
            if (name.endsWith("+")) {
                String base = name.substring(0, name.length() - 1);
                return candidate.equals(base) || candidate.startsWith(base + "/");
            }
            return candidate.equals(name);
        }

        String version() {
            return major + "." + minor;
        }

        boolean newerThan(int loadedMajor, int loadedMinor) {
            return major != loadedMajor ? major > loadedMajor : minor > loadedMinor;
        }
    }

    private static final String RESOURCE = "libbpf-versions.txt";
    private static final List<Entry> ENTRIES = load();

    private LibbpfVersions() {
    }

    /**
     * Says why a program section cannot work with the loaded libbpf, when the table knows.
     *
     * @param programName the program's C name
     * @param section     its section as written ({@code ?} allowed)
     * @return e.g. {@code program ingress: SEC("tcx/ingress") needs libbpf ≥ 1.3, this process loaded libbpf 1.1}
     */
    public static Optional<String> sectionTooNew(String programName, String section) {
        String name = section.startsWith("?") ? section.substring(1) : section;
        return find("section", name).filter(e -> e.newerThan(Native.libbpfMajor(), Native.libbpfMinor()))
                .map(e -> "program " + programName + ": SEC(\"" + section + "\") needs libbpf \u2265 " + e.version()
                        + ", this process loaded libbpf " + Native.libbpfVersion());
    }

    /**
     * Says which parts of an object's ELF file the loaded libbpf is too old for: program sections
     * and ELF sections the table lists (for an object that libbpf could not open).
     *
     * @param elf the object file's bytes
     * @return one line per part, empty when the table names none (or the bytes are not ELF)
     */
    public static List<String> tooNewParts(byte[] elf) {
        List<String> lines = new ArrayList<>();
        for (String sectionName : sectionNames(elf)) {
            String withoutMarker = sectionName.startsWith("?") ? sectionName.substring(1) : sectionName;
            Optional<Entry> entry = find("section", withoutMarker).or(() -> find("elf-section", sectionName));
            if (entry.isPresent() && entry.get().newerThan(Native.libbpfMajor(), Native.libbpfMinor())) {
                lines.add("section \"" + sectionName + "\" needs libbpf \u2265 " + entry.get().version()
                        + ", this process loaded libbpf " + Native.libbpfVersion());
            }
        }
        return lines;
    }

    private static Optional<Entry> find(String kind, String name) {
        for (Entry entry : ENTRIES) {
            if (entry.kind().equals(kind) && entry.matches(name)) {
                return Optional.of(entry);
            }
        }
        return Optional.empty();
    }

    /** The section names of a little- or big-endian ELF64 file; empty when it is not one. */
    static List<String> sectionNames(byte[] elf) {
        List<String> names = new ArrayList<>();
        if (elf.length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F' || elf[4] != 2) {
            return names;
        }
        ByteBuffer buffer = ByteBuffer.wrap(elf).order(elf[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        try {
            long shoff = buffer.getLong(0x28);
            int shentsize = buffer.getShort(0x3a) & 0xffff;
            int shnum = buffer.getShort(0x3c) & 0xffff;
            int shstrndx = buffer.getShort(0x3e) & 0xffff;
            if (shentsize < 64 || shstrndx >= shnum || shoff <= 0 || shoff + (long) shnum * shentsize > elf.length) {
                return names;
            }
            long strtab = buffer.getLong(Math.toIntExact(shoff + (long) shstrndx * shentsize + 0x18));
            long strsize = buffer.getLong(Math.toIntExact(shoff + (long) shstrndx * shentsize + 0x20));
            if (strtab < 0 || strsize < 0 || strtab + strsize > elf.length) {
                return names;
            }
            for (int i = 1; i < shnum; i++) {
                int nameOffset = buffer.getInt(Math.toIntExact(shoff + (long) i * shentsize));
                if (nameOffset < 0 || nameOffset >= strsize) {
                    continue;
                }
                int start = Math.toIntExact(strtab + nameOffset);
                int end = start;
                while (end < strtab + strsize && elf[end] != 0) {
                    end++;
                }
                names.add(new String(elf, start, end - start, StandardCharsets.UTF_8));
            }
        } catch (IndexOutOfBoundsException | ArithmeticException malformed) {
            // Not an ELF file libbpf could read either; its own error stands.
        }
        return names;
    }

    private static List<Entry> load() {
        try (InputStream in = LibbpfVersions.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return List.of();
            }
            List<Entry> entries = new ArrayList<>();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    String text = line.strip();
                    if (text.isEmpty() || text.startsWith("#")) {
                        continue;
                    }
                    String[] fields = text.split("\\s+");
                    String[] version = fields.length == 3 ? fields[2].split("\\.") : new String[0];
                    if (version.length < 2) {
                        throw new IllegalStateException(RESOURCE + ": malformed line: " + line);
                    }
                    entries.add(new Entry(fields[0].toLowerCase(Locale.ROOT), fields[1], Integer.parseInt(version[0]),
                            Integer.parseInt(version[1])));
                }
            }
            return List.copyOf(entries);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
