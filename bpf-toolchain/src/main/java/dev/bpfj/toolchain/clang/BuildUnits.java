package dev.bpfj.toolchain.clang;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides which objects a build produces from which sources: one object per selected source
 * ({@code x.bpf.c} and {@code x.c} both give {@code x.bpf.o}), and one per configured
 * {@link LinkedObject} from all its members. Headers and other files that are not {@code .c}
 * are never compiled.
 */
final class BuildUnits {

    /** The default selection: every {@code *.bpf.c} below the source directory. */
    static final List<String> DEFAULT_INCLUDES = List.of("**/*.bpf.c");

    /** The state key prefix of linked objects; source paths never start with it. */
    private static final String LINKED_KEY = "linked:";

    /**
     * One object to build.
     *
     * @param key         the build state key: the source's relative path, or {@code linked:NAME}
     * @param displayName how messages name it: the source's relative path, or {@code NAME.bpf.o (a.c, b.c)}
     * @param object      the object file
     * @param sources     its sources: one, or the linked members in order
     * @param linked      whether the sources are compiled and linked together
     */
    record Unit(String key, String displayName, Path object, List<Path> sources, boolean linked) {
    }

    private BuildUnits() {
    }

    /**
     * Plans the build.
     *
     * @param request    the configuration: source directory, patterns, linked objects
     * @param candidates every {@code .c} file below the source directory, sorted
     * @return the units, standalone sources first in path order, then linked objects in configured order
     * @throws BpfBuildException if the configuration is inconsistent: a linked object without
     *                           members or with a bad name, a source in two linked objects, two
     *                           units writing the same object
     */
    static List<Unit> plan(CompileRequest request, List<Path> candidates) throws BpfBuildException {
        Path root = request.sourceDirectory();
        SourcePatterns includes = SourcePatterns.of(request.sourceIncludes().isEmpty() ? DEFAULT_INCLUDES
                : request.sourceIncludes());
        SourcePatterns excludes = SourcePatterns.of(request.sourceExcludes());
        Map<Path, String> memberOf = new LinkedHashMap<>();
        List<Unit> linkedUnits = new ArrayList<>();
        for (LinkedObject group : request.linkedObjects()) {
            if (!group.hasValidName()) {
                throw new BpfBuildException("Linked object name '" + group.name() + "' is not usable: it becomes the"
                        + " file name " + group.name() + ".bpf.o and the skeleton class name, so use letters, digits,"
                        + " '_' and '-', starting with a letter (e.g. <name>tracer</name>).");
            }
            SourcePatterns patterns = SourcePatterns.of(group.sources());
            if (patterns.isEmpty()) {
                throw new BpfBuildException("Linked object '" + group.name() + "' lists no sources: add"
                        + " <sources><source>a.bpf.c</source><source>b.bpf.c</source></sources> (paths or patterns"
                        + " relative to " + root + ").");
            }
            // Link order: the patterns' order, and each pattern's matches in path order.
            List<Path> members = new ArrayList<>();
            for (String text : patterns.texts()) {
                SourcePatterns pattern = SourcePatterns.of(List.of(text));
                for (Path candidate : candidates) {
                    if (!members.contains(candidate) && pattern.matches(relative(root, candidate))) {
                        String other = memberOf.putIfAbsent(candidate, group.name());
                        if (other != null) {
                            throw new BpfBuildException(relative(root, candidate) + " is a source of two linked objects, '"
                                    + other + "' and '" + group.name() + "': a source can be linked into one object"
                                    + " only (share code through a header, or a __weak function in each).");
                        }
                        members.add(candidate);
                    }
                }
            }
            if (members.isEmpty()) {
                throw new BpfBuildException("Linked object '" + group.name() + "': its sources " + patterns.texts()
                        + " match no .c file under " + root + ".");
            }
            List<String> names = new ArrayList<>(members.size());
            for (Path member : members) {
                names.add(relative(root, member));
            }
            String objectName = group.name() + ".bpf.o";
            linkedUnits.add(new Unit(LINKED_KEY + group.name(), objectName + " (" + String.join(", ", names) + ")",
                    request.outputDirectory().resolve(objectName), List.copyOf(members), true));
        }
        List<Unit> units = new ArrayList<>();
        for (Path candidate : candidates) {
            String relative = relative(root, candidate);
            if (memberOf.containsKey(candidate) || !includes.matches(relative) || excludes.matches(relative)) {
                continue;
            }
            units.add(new Unit(relative, relative, request.outputDirectory().resolve(objectName(relative)),
                    List.of(candidate), false));
        }
        units.addAll(linkedUnits);
        Map<Path, Unit> byObject = new LinkedHashMap<>();
        for (Unit unit : units) {
            Unit other = byObject.putIfAbsent(unit.object(), unit);
            if (other != null) {
                throw new BpfBuildException(other.displayName() + " and " + unit.displayName() + " would both be built"
                        + " into " + unit.object() + ": rename one, or leave one out with <sourceExcludes>.");
            }
        }
        return units;
    }

    /**
     * The object's path relative to the output directory: {@code dir/x.bpf.c} and {@code dir/x.c} both
     * give {@code dir/x.bpf.o}, so that the skeleton goal finds it and names the class {@code XBpf}.
     *
     * @param relativeSource the source's path relative to the source directory
     * @return the object's relative path
     */
    static String objectName(String relativeSource) {
        String base = relativeSource.endsWith(".bpf.c") ? relativeSource.substring(0, relativeSource.length() - 6)
                : relativeSource.substring(0, relativeSource.length() - 2);
        return base + ".bpf.o";
    }

    /** @return whether a state key belongs to a linked object */
    static boolean isLinkedKey(String key) {
        return key.startsWith(LINKED_KEY);
    }

    /** @return the linked object's name in a state key of {@link #isLinkedKey} */
    static String linkedName(String key) {
        return key.substring(LINKED_KEY.length());
    }

    static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }
}
