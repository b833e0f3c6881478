package dev.bpfj.toolchain.skeleton;

import dev.bpfj.toolchain.BpfFormatException;
import dev.bpfj.toolchain.OutputFiles;
import dev.bpfj.toolchain.SourceFiles;
import dev.bpfj.toolchain.clang.BpfBuildException;
import dev.bpfj.toolchain.clang.BuildLog;
import dev.bpfj.toolchain.object.BpfObjectSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Runs {@code bpf:skeleton}: generates one class per object, copies each object next to its
 * class as a resource, and keeps the output folders in step with the objects.
 *
 * <p>Incremental and atomic: a file whose content is unchanged is not touched (its time stamp
 * stays, so the compiler has nothing to redo); a changed one is written to a temporary file in
 * the same folder and moved over the old one. Outputs of objects that disappeared (a skeleton
 * that starts with {@link SkeletonGenerator#HEADER_PREFIX}, a copied {@code .bpf.o}) are deleted.
 * When neither the request, the generator, the objects nor the outputs changed since the last run
 * (sizes and modification times, recorded in {@value #STATE_FILE} next to the objects), the run
 * reads no object at all.
 */
public final class Skeletons {

    /** Kept in the object directory: what the outputs were generated from, for no-op builds. */
    static final String STATE_FILE = ".bpfj-skeleton-state";

    private static final Pattern PACKAGE = Pattern.compile("([a-zA-Z_$][a-zA-Z0-9_$]*)(\\.[a-zA-Z_$][a-zA-Z0-9_$]*)*");

    private final BuildLog log;

    /**
     * Creates the runner.
     *
     * @param log where progress goes
     */
    public Skeletons(BuildLog log) {
        this.log = Objects.requireNonNull(log, "log");
    }

    /**
     * Generates the skeletons a request asks for.
     *
     * @param request the request
     * @return what was done
     * @throws BpfBuildException for the user's mistakes: a bad package name, an object that is not
     *                           a valid BPF object or has no BTF, an unknown extra type, two objects
     *                           whose class names collide
     * @throws IOException       when reading objects or writing outputs fails
     */
    public SkeletonResult generate(SkeletonRequest request) throws BpfBuildException, IOException {
        String pkg = request.packageName();
        if (!pkg.isEmpty() && (!PACKAGE.matcher(pkg).matches() || hasKeyword(pkg))) {
            throw new BpfBuildException("bpf.skeleton.package '" + pkg + "' is not a valid Java package name;"
                    + " use dot-separated Java identifiers such as com.example.bpf");
        }
        List<Path> objects = SourceFiles.find(request.objectDirectory(), ".bpf.o");
        Path packageDir = pkg.isEmpty() ? Path.of("") : Path.of(pkg.replace('.', '/'));
        Path sourceDir = request.sourceDirectory().resolve(packageDir);
        Path resourceDir = request.resourceDirectory().resolve(packageDir);
        Path stateFile = request.objectDirectory().resolve(STATE_FILE);
        List<Path> expected = new ArrayList<>();
        for (Path object : objects) {
            expected.add(sourceDir.resolve(JavaNames.skeletonClassName(object.getFileName().toString()) + ".java"));
        }
        if (!objects.isEmpty() && Files.isRegularFile(stateFile)
                && Files.readString(stateFile, StandardCharsets.UTF_8).equals(fingerprint(request, objects, expected,
                        resourceDir))) {
            // Nothing that goes into the outputs changed since they were written: no parsing.
            log.debug("BPF skeletons are up to date (" + stateFile + ")");
            return new SkeletonResult(expected, 0, 2 * objects.size(), List.of());
        }
        Files.deleteIfExists(stateFile);
        // Created only now: a build whose skeletons are current never loads the generator.
        SkeletonGenerator generator = new SkeletonGenerator();
        Set<Path> keep = new HashSet<>();
        Map<String, Path> classes = new HashMap<>();
        List<Path> sources = new ArrayList<>();
        int written = 0;
        int unchanged = 0;
        for (Path object : objects) {
            String fileName = object.getFileName().toString();
            String className = JavaNames.skeletonClassName(fileName);
            Path previous = classes.put(className, object);
            if (previous != null) {
                throw new BpfBuildException("objects " + previous + " and " + object + " both give the skeleton class "
                        + className + "; rename one of their sources");
            }
            byte[] bytes = Files.readAllBytes(object);
            BpfObjectSpec spec;
            try {
                spec = BpfObjectSpec.parse(fileName, bytes);
            } catch (BpfFormatException e) {
                throw new BpfBuildException("cannot generate a skeleton for " + object + ": " + e.getMessage(),
                        List.of(), e);
            }
            List<String> extra = new ArrayList<>();
            for (String type : request.extraTypes()) {
                if (spec.btf().isPresent() && hasType(spec, type)) {
                    extra.add(type);
                } else if (objects.size() == 1) {
                    extra.add(type); // the generator reports it with the types the object has
                }
            }
            String source = generator.generate(spec, pkg, extra);
            Path sourceFile = sourceDir.resolve(className + ".java");
            Path resourceFile = resourceDir.resolve(fileName);
            keep.add(sourceFile.toAbsolutePath().normalize());
            keep.add(resourceFile.toAbsolutePath().normalize());
            sources.add(sourceFile);
            byte[] sourceBytes = source.getBytes(StandardCharsets.UTF_8);
            for (boolean changed : new boolean[] {OutputFiles.writeIfChanged(sourceFile, sourceBytes),
                    OutputFiles.writeIfChanged(resourceFile, bytes)}) {
                if (changed) {
                    written++;
                } else {
                    unchanged++;
                }
            }
            log.debug("skeleton " + className + " from " + object);
        }
        for (String type : request.extraTypes()) {
            if (objects.size() > 1 && classes.values().stream().noneMatch(o -> hasTypeQuietly(o, type))) {
                throw new BpfBuildException("bpf.types names '" + type + "', but none of the objects in "
                        + request.objectDirectory() + " has a struct, union or enum of that name in its BTF; "
                        + SkeletonGenerator.keepInBtfHint(type.strip().replaceFirst("^(struct|union|enum)\\s+", "")));
            }
        }
        List<Path> deleted = deleteStale(request.sourceDirectory(), request.resourceDirectory(), keep);
        if (!objects.isEmpty()) {
            OutputFiles.writeIfChanged(stateFile, fingerprint(request, objects, sources, resourceDir)
                    .getBytes(StandardCharsets.UTF_8));
        }
        if (written > 0 || !deleted.isEmpty()) {
            log.info("Generated " + sources.size() + " BPF skeleton(s) in " + request.sourceDirectory()
                    + (deleted.isEmpty() ? "" : ", removed " + deleted.size() + " stale output(s)"));
        }
        return new SkeletonResult(sources, written, unchanged, deleted);
    }

    /**
     * What the outputs depend on, as text: the request, the generator's own jar, and the size and
     * modification time of every object and every output. Equal text means nothing to do.
     */
    private static String fingerprint(SkeletonRequest request, List<Path> objects, List<Path> sources,
            Path resourceDir) throws IOException {
        StringBuilder text = new StringBuilder(256);
        text.append("package=").append(request.packageName()).append('\n');
        text.append("types=").append(request.extraTypes()).append('\n');
        text.append("sources=").append(request.sourceDirectory().toAbsolutePath()).append('\n');
        text.append("generator=").append(generatorStamp()).append('\n');
        for (int i = 0; i < objects.size(); i++) {
            Path object = objects.get(i);
            stamp(text, object);
            stamp(text, sources.get(i));
            stamp(text, resourceDir.resolve(object.getFileName().toString()));
        }
        return text.toString();
    }

    private static void stamp(StringBuilder text, Path file) throws IOException {
        text.append(file.toAbsolutePath()).append(' ');
        if (Files.isRegularFile(file)) {
            text.append(Files.size(file)).append(' ').append(Files.getLastModifiedTime(file).toMillis());
        } else {
            text.append("missing");
        }
        text.append('\n');
    }

    /** The jar (or folder) the generator was loaded from: a new plugin version regenerates. */
    private static String generatorStamp() {
        try {
            var source = Skeletons.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return "unknown";
            }
            Path location = Path.of(source.getLocation().toURI());
            return location + " " + Files.getLastModifiedTime(location).toMillis();
        } catch (Exception e) {
            // Without a stamp the state never matches twice in a row: always regenerate.
            return "unknown " + System.nanoTime();
        }
    }

    private static boolean hasKeyword(String packageName) {
        for (String part : packageName.split("\\.")) {
            if (JavaNames.KEYWORDS.contains(part)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasType(BpfObjectSpec spec, String type) {
        String bare = type.strip().replaceFirst("^(struct|union|enum)\\s+", "");
        return !spec.btf().get().typesNamed(bare).isEmpty();
    }

    private static boolean hasTypeQuietly(Path object, String type) {
        try {
            BpfObjectSpec spec = BpfObjectSpec.read(object);
            return spec.btf().isPresent() && hasType(spec, type);
        } catch (IOException | BpfFormatException e) {
            return false;
        }
    }

    private static List<Path> deleteStale(Path sourceRoot, Path resourceRoot, Set<Path> keep) throws IOException {
        List<Path> deleted = new ArrayList<>();
        for (Path file : SourceFiles.find(sourceRoot, ".java")) {
            if (!keep.contains(file.toAbsolutePath().normalize()) && isGenerated(file)) {
                Files.delete(file);
                deleted.add(file);
            }
        }
        for (Path file : SourceFiles.find(resourceRoot, ".bpf.o")) {
            if (!keep.contains(file.toAbsolutePath().normalize())) {
                Files.delete(file);
                deleted.add(file);
            }
        }
        return deleted;
    }

    private static boolean isGenerated(Path file) throws IOException {
        byte[] prefix = SkeletonGenerator.HEADER_PREFIX.getBytes(StandardCharsets.UTF_8);
        try (var in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(prefix.length), prefix);
        }
    }
}
