package dev.bpfj.toolchain.clang;

import dev.bpfj.toolchain.OutputFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What the previous build compiled, so the next one can skip what has not changed. Kept in a
 * small text file in the output directory, one per source directory.
 *
 * <p>A source is up to date when its entry has the same configuration hash (flags, clang,
 * strip, validation settings), its object is still there unchanged, and every file clang read
 * for it (from the depfile: the source and all headers) has the same size and modification
 * time. Modification time rather than content is compared on purpose: {@code touch header.h}
 * recompiles its includers, as with make, and checking a time costs one {@code stat} per file.
 *
 * <p>A state file that cannot be read is treated as empty: the worst outcome is a full rebuild.
 */
final class BuildState {

    private static final String MAGIC = "bpfj-state\t1";

    /**
     * Size and modification time of a file.
     *
     * @param path       the absolute path
     * @param size       its size in bytes
     * @param mtimeNanos its modification time in nanoseconds since the epoch
     */
    record FileStamp(String path, long size, long mtimeNanos) {

        /**
         * Stats a file.
         *
         * @param file the file
         * @return its stamp, or empty when it does not exist
         */
        static Optional<FileStamp> of(Path file) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return Optional.of(new FileStamp(file.toString(), attributes.size(),
                        attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS)));
            } catch (IOException missing) {
                return Optional.empty();
            }
        }

        /** @return whether the file still has this size and modification time */
        boolean isCurrent() {
            Optional<FileStamp> now = of(Path.of(path));
            return now.isPresent() && equals(now.get());
        }

        // equals and hashCode are written out: a record's generated ones are bootstrapped through
        // invokedynamic on first use, which costs a no-op build tens of milliseconds in a fresh JVM.
        @Override
        public boolean equals(Object other) {
            return other instanceof FileStamp that && size == that.size && mtimeNanos == that.mtimeNanos
                    && path.equals(that.path);
        }

        @Override
        public int hashCode() {
            return (path.hashCode() * 31 + Long.hashCode(size)) * 31 + Long.hashCode(mtimeNanos);
        }
    }

    /**
     * The outcome of probing a clang binary, remembered so that an unchanged clang is not run
     * again on every build just to ask its version.
     *
     * @param executable  the real path of the binary with its size and time
     * @param version     its version
     * @param versionText its {@code --version} first line
     * @param llvmStrip   the matching llvm-strip, or empty
     */
    record ClangProbe(FileStamp executable, String version, String versionText, String llvmStrip) {
    }

    /**
     * One source's last successful compile.
     *
     * @param configHash the configuration the object was built with
     * @param object     the object written
     * @param inputs     every file clang read (from its depfile)
     */
    record Entry(String configHash, FileStamp object, List<FileStamp> inputs) {

        /** @return whether nothing this entry depends on has changed */
        boolean isCurrent(String currentConfigHash) {
            if (!configHash.equals(currentConfigHash) || !object.isCurrent()) {
                return false;
            }
            for (int i = 0; i < inputs.size(); i++) {
                if (!inputs.get(i).isCurrent()) {
                    return false;
                }
            }
            return true;
        }
    }

    private final Map<String, Entry> entries;
    private ClangProbe clang;
    /** The file's text as loaded, so that saving an unchanged state (a no-op build) writes nothing. */
    private final String loadedText;

    private BuildState(ClangProbe clang, Map<String, Entry> entries, String loadedText) {
        this.clang = clang;
        this.entries = entries;
        this.loadedText = loadedText;
    }

    /** @return a state with nothing recorded */
    static BuildState empty() {
        return new BuildState(null, new TreeMap<>(), null);
    }

    /**
     * Reads a state file.
     *
     * @param file the file
     * @return its content, or an empty state when it is missing or unreadable
     */
    static BuildState load(Path file) {
        List<String> lines;
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
            lines = new ArrayList<>();
            for (int from = 0; from < text.length(); ) {
                int end = text.indexOf('\n', from);
                end = end < 0 ? text.length() : end;
                lines.add(text.substring(from, end));
                from = end + 1;
            }
        } catch (NoSuchFileException missing) {
            return empty();
        } catch (IOException | RuntimeException unreadable) {
            return empty();
        }
        try {
            if (lines.isEmpty() || !lines.get(0).equals(MAGIC)) {
                return empty();
            }
            ClangProbe clang = null;
            Map<String, Entry> entries = new TreeMap<>();
            String source = null;
            String hash = null;
            FileStamp object = null;
            List<FileStamp> inputs = null;
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split("\t", -1);
                switch (f[0]) {
                    case "clang" -> clang = new ClangProbe(stamp(f, 1), unescape(f[4]), unescape(f[6]), unescape(f[5]));
                    case "source" -> {
                        if (source != null) {
                            entries.put(source, new Entry(hash, object, List.copyOf(inputs)));
                        }
                        source = unescape(f[1]);
                        hash = f[2];
                        object = stamp(f, 3);
                        inputs = new ArrayList<>();
                    }
                    case "input" -> inputs.add(stamp(f, 1));
                    default -> throw new IllegalArgumentException("unknown record " + f[0]);
                }
            }
            if (source != null) {
                entries.put(source, new Entry(hash, object, List.copyOf(inputs)));
            }
            return new BuildState(clang, entries, text);
        } catch (RuntimeException corrupt) {
            return empty();
        }
    }

    private static FileStamp stamp(String[] fields, int at) {
        return new FileStamp(unescape(fields[at]), Long.parseLong(fields[at + 1]), Long.parseLong(fields[at + 2]));
    }

    /**
     * Writes the state atomically: a crash while writing leaves the old file.
     *
     * @param file the state file
     * @throws IOException if writing fails
     */
    void save(Path file) throws IOException {
        StringBuilder text = new StringBuilder(MAGIC).append('\n');
        if (clang != null) {
            text.append("clang\t").append(stampText(clang.executable())).append('\t').append(escape(clang.version()))
                    .append('\t').append(escape(clang.llvmStrip())).append('\t').append(escape(clang.versionText()))
                    .append('\n');
        }
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            text.append("source\t").append(escape(e.getKey())).append('\t').append(e.getValue().configHash())
                    .append('\t').append(stampText(e.getValue().object())).append('\n');
            for (FileStamp input : e.getValue().inputs()) {
                text.append("input\t").append(stampText(input)).append('\n');
            }
        }
        if (text.toString().equals(loadedText) && Files.isRegularFile(file)) {
            return;
        }
        OutputFiles.writeIfChanged(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String stampText(FileStamp stamp) {
        return escape(stamp.path()) + '\t' + stamp.size() + '\t' + stamp.mtimeNanos();
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
    }

    private static String unescape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(++i);
                out.append(next == 't' ? '\t' : next == 'n' ? '\n' : next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** @return the remembered clang probe, or {@code null} */
    ClangProbe clang() {
        return clang;
    }

    /** @param probe the clang probe to remember */
    void clang(ClangProbe probe) {
        this.clang = probe;
    }

    /** @return the entries by source path relative to the source directory (mutable, sorted) */
    Map<String, Entry> entries() {
        return entries;
    }
}
