package dev.bpfj.toolchain.verify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A verifier log made readable: every {@code ; <C text> @ file.bpf.c:LINE} line-info line gets the
 * C text from the source file when the log lacks it (objects whose {@code .BTF.ext} lost the line
 * strings print {@code ;  @ file.bpf.c:17}), and {@link #cause()} / {@link #location()} name the
 * verifier's complaint and the C line it was verifying when it gave up.
 */
public final class VerifierLog {

    /** {@code ; text @ file:line}, the kernel's line-info lines (Linux 6.x). */
    private static final Pattern LINE_INFO = Pattern.compile("^;\\s?(.*?)\\s*@ (\\S+):(\\d+)\\s*$");
    /** An instruction line, {@code 12: (85) call ...}, or a state line {@code 12: R0=...}. */
    private static final Pattern INSTRUCTION = Pattern.compile("^\\d+: .*");

    private final List<String> lines;
    private final String cause;
    private final String location;

    private VerifierLog(List<String> lines, String cause, String location) {
        this.lines = lines;
        this.cause = cause;
        this.location = location;
    }

    /**
     * Annotates {@code log}.
     *
     * @param log         the verifier log as the kernel wrote it
     * @param sourceRoots where to look for the file names the log mentions (relative names and
     *                    names whose folder moved are looked up by file name below these)
     * @return the annotated log
     */
    public static VerifierLog annotate(String log, List<Path> sourceRoots) {
        Sources sources = new Sources(sourceRoots);
        List<String> out = new ArrayList<>();
        String lastLocation = null;
        int causeIndex = -1;
        String[] raw = log.strip().split("\n");
        for (String line : raw) {
            Matcher m = LINE_INFO.matcher(line);
            if (m.matches()) {
                String file = m.group(2);
                int number = Integer.parseInt(m.group(3));
                String text = m.group(1).strip();
                if (text.isEmpty() && number > 0) {
                    text = sources.line(file, number).orElse("");
                }
                String where = shortName(file) + ":" + number;
                line = text.isEmpty() ? "; @ " + where : "; " + text + "   @ " + where;
                if (number > 0) {
                    lastLocation = where + ": " + (text.isEmpty() ? "(source line not found)" : text);
                }
            }
            out.add(line);
        }
        // The cause: the last line that is neither statistics, state dump, instruction nor line info.
        for (int i = out.size() - 1; i >= 0; i--) {
            String line = out.get(i).strip();
            if (line.isEmpty() || line.startsWith("processed ") || line.startsWith("verification time")
                    || line.startsWith("stack depth") || line.startsWith("cur state:") || line.startsWith("old state:")
                    || line.startsWith(";") || INSTRUCTION.matcher(line).matches() || line.startsWith("-- ")) {
                continue;
            }
            causeIndex = i;
            break;
        }
        String location = null;
        for (int i = causeIndex - 1; i >= 0 && location == null; i--) {
            Matcher m = LINE_INFO.matcher(out.get(i).replace("   @ ", " @ "));
            if (m.matches() && Integer.parseInt(m.group(3)) > 0) {
                String text = m.group(1).strip();
                location = m.group(2) + ":" + m.group(3) + ": " + (text.isEmpty() ? "(source line not found)" : text);
            }
        }
        return new VerifierLog(List.copyOf(out), causeIndex < 0 ? "(the log names no cause)" : out.get(causeIndex).strip(),
                location != null ? location : lastLocation);
    }

    /** The annotated log, one entry per line. */
    public List<String> lines() {
        return lines;
    }

    /** The verifier's complaint, like {@code R0 invalid mem access 'map_value_or_null'}. */
    public String cause() {
        return cause;
    }

    /** The C line being verified when it failed, like {@code xdp.bpf.c:19: *value += 1;}, if the log has line info. */
    public Optional<String> location() {
        return Optional.ofNullable(location);
    }

    private static String shortName(String file) {
        int slash = file.lastIndexOf('/');
        return slash < 0 ? file : file.substring(slash + 1);
    }

    /** Source files by the names the log uses, read once each. */
    private static final class Sources {
        private final List<Path> roots;
        private final Map<String, List<String>> cache = new HashMap<>();

        Sources(List<Path> roots) {
            this.roots = roots;
        }

        Optional<String> line(String file, int number) {
            List<String> content = cache.computeIfAbsent(file, this::read);
            return number <= content.size() ? Optional.of(content.get(number - 1).strip()) : Optional.empty();
        }

        private List<String> read(String file) {
            Optional<Path> found = find(file);
            if (found.isEmpty()) {
                return List.of();
            }
            try {
                return Files.readAllLines(found.get(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return List.of();
            }
        }

        private Optional<Path> find(String file) {
            Path path = Path.of(file);
            if (path.isAbsolute() && Files.isRegularFile(path)) {
                return Optional.of(path);
            }
            for (Path root : roots) {
                if (!path.isAbsolute() && Files.isRegularFile(root.resolve(path))) {
                    return Optional.of(root.resolve(path));
                }
            }
            String name = path.getFileName().toString();
            for (Path root : roots) {
                if (!Files.isDirectory(root)) {
                    continue;
                }
                try (Stream<Path> walk = Files.walk(root)) {
                    Optional<Path> match = walk.filter(p -> p.getFileName().toString().equals(name))
                            .filter(Files::isRegularFile).findFirst();
                    if (match.isPresent()) {
                        return match;
                    }
                } catch (IOException e) {
                    // An unreadable folder: try the next root.
                }
            }
            return Optional.empty();
        }
    }
}
