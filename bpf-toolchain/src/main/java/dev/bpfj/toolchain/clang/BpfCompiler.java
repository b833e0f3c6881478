package dev.bpfj.toolchain.clang;

import dev.bpfj.toolchain.Checksum64;
import dev.bpfj.toolchain.OutputFiles;
import dev.bpfj.toolchain.SourceFiles;
import dev.bpfj.toolchain.link.BpfLinker;
import dev.bpfj.toolchain.link.LinkInput;
import dev.bpfj.toolchain.validate.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Compiles a directory of BPF C sources (by default {@code **}{@code /*.bpf.c}; see
 * {@link CompileRequest#sourceIncludes()}) into validated objects, one per source, or one per
 * {@link LinkedObject} from several sources linked together by {@link BpfLinker}.
 *
 * <p>Steps, one log line each: find and check clang; decide which sources are out of date
 * (see {@link BuildState}); check that the headers they need exist; compile those in parallel,
 * each to a temporary file that is stripped, validated and only then moved over the old
 * object. A source that fails to compile or validate loses its old object too, so nothing
 * stale looks current; the sources that succeeded are still recorded, so the next build
 * redoes only the failures.
 */
public final class BpfCompiler {

    /** Bumped when the way objects are produced changes, so old state recompiles everything. */
    private static final String FORMAT_VERSION = "1";
    /** Bumped when the linker's output changes, so linked objects are relinked. */
    private static final String LINKER_VERSION = "1";

    private final BuildLog log;
    private final ObjectChecker checker;
    private final ClangLocator locator;

    /**
     * Creates a compiler.
     *
     * @param log     where progress, diagnostics and problems are reported
     * @param checker validates each compiled object
     * @param locator finds clang
     */
    public BpfCompiler(BuildLog log, ObjectChecker checker, ClangLocator locator) {
        this.log = Objects.requireNonNull(log, "log");
        this.checker = Objects.requireNonNull(checker, "checker");
        this.locator = Objects.requireNonNull(locator, "locator");
    }

    /**
     * Creates a compiler that searches this process's {@code PATH} for clang.
     *
     * @param log     where to report
     * @param checker validates each compiled object
     */
    public BpfCompiler(BuildLog log, ObjectChecker checker) {
        this(log, checker, ClangLocator.fromEnvironment());
    }

    /**
     * Brings the output directory up to date with the sources.
     *
     * @param request what to compile and how
     * @return the objects, all present and validated
     * @throws BpfBuildException    for anything the user must fix: no clang, missing headers,
     *                              compile errors, validation errors
     * @throws IOException          if the output directory cannot be written
     * @throws InterruptedException if the build is interrupted
     */
    public CompileResult compile(CompileRequest request) throws BpfBuildException, IOException, InterruptedException {
        long started = System.nanoTime();
        List<BuildUnits.Unit> units = BuildUnits.plan(request, SourceFiles.find(request.sourceDirectory(), ".c"));
        Path stateFile = request.outputDirectory().resolve(".bpfj-state-" + fingerprint(request.sourceDirectory().toString()));
        BuildState state = confined(BuildState.load(stateFile), stateFile, request);
        removeTemporaryFiles(request.outputDirectory());
        if (units.isEmpty()) {
            log.info("No BPF sources (" + String.join(", ", request.sourceIncludes().isEmpty()
                    ? BuildUnits.DEFAULT_INCLUDES : request.sourceIncludes()) + ") in " + request.sourceDirectory());
            removeStale(state, Set.of(), request);
            if (Files.isDirectory(request.outputDirectory())) {
                state.save(stateFile);
            }
            return new CompileResult(List.of(), List.of());
        }
        Clang clang = clang(request, state);
        Optional<String> configuredArch = request.arch();
        Optional<String> arches = configuredArch.isPresent() ? configuredArch : TargetArch.libbpfArch(request.osArch());
        if (arches.isEmpty()) {
            throw new BpfBuildException("Cannot tell the __TARGET_ARCH_ value for os.arch '" + request.osArch()
                    + "'. Set it with <arch>x86</arch> or -Dbpf.arch=x86 (one of x86, arm64, arm, s390, powerpc,"
                    + " riscv, mips, loongarch, sparc).");
        }
        String arch = arches.get();
        if (!CompileRequest.TARGETS.contains(request.target())) {
            throw new BpfBuildException("Unknown BPF target '" + request.target() + "' (bpf.target). Use one of "
                    + CompileRequest.TARGETS + ": bpf is the build machine's byte order, bpfel little endian, "
                    + "bpfeb big endian.");
        }
        Path generatedIncludes = request.outputDirectory().resolve("include");
        List<Path> projectIncludes = new ArrayList<>();
        projectIncludes.add(request.sourceDirectory());
        projectIncludes.addAll(request.includes());
        List<Path> includeDirs = new ArrayList<>(projectIncludes);
        includeDirs.add(generatedIncludes);
        // Loops rather than streams on the way to the no-op answer: each lambda's first use costs a
        // fresh JVM a bootstrap, and a no-op build should take well under 100 ms.
        List<Path> afterDirs = new ArrayList<>(1);
        Optional<String> triplet = TargetArch.multiarch(request.osArch());
        if (triplet.isPresent()) {
            for (Path dir : request.systemIncludeDirectories()) {
                if (Files.isDirectory(dir.resolve(triplet.get()))) {
                    afterDirs.add(dir.resolve(triplet.get()));
                    break;
                }
            }
        }
        Path libcStubs = LibcStubs.directory(request.outputDirectory());
        afterDirs.add(libcStubs);
        ClangCommand command = ClangCommand.of(clang.executable(), request.target(), arch, request.projectDirectory(),
                includeDirs, afterDirs, request.cflags());
        String configHash = configHashOf(command, clang, request);

        if (Files.isRegularFile(generatedIncludes.resolve("vmlinux.h"))) {
            // A previous build needed vmlinux.h: refresh it first, so a changed header (another configured
            // file, another kernel) shows up as a changed input of the sources that include it.
            VmlinuxHeaderProvider provider = VmlinuxHeaderProvider.ofOptionalFile(request.vmlinuxHeader())
                    .orElse(request.vmlinuxGenerator());
            provider.provide(generatedIncludes, log);
        }
        Map<String, BuildState.Entry> entries = state.entries();
        List<BuildUnits.Unit> stale = new ArrayList<>();
        Set<String> present = new LinkedHashSet<>();
        for (BuildUnits.Unit unit : units) {
            present.add(unit.key());
            BuildState.Entry entry = entries.get(unit.key());
            if (entry == null || !entry.isCurrent(unitHash(configHash, request, unit))
                    || !entry.object().path().equals(unit.object().toString())) {
                stale.add(unit);
            }
        }
        removeStale(state, present, request);
        if (stale.isEmpty()) {
            log.info("All " + units.size() + " BPF objects in " + request.outputDirectory() + " are up to date (checked in "
                    + (System.nanoTime() - started) / 1_000_000 + " ms)");
            state.save(stateFile);
            List<CompileResult.CompiledObject> objects = new ArrayList<>(units.size());
            for (BuildUnits.Unit unit : units) {
                objects.add(new CompileResult.CompiledObject(unit.sources().get(0), unit.object(), false));
            }
            return new CompileResult(objects, List.of());
        }

        List<Path> staleSources = new ArrayList<>();
        for (BuildUnits.Unit unit : stale) {
            staleSources.addAll(unit.sources());
        }
        checkHeaders(request, staleSources, projectIncludes, generatedIncludes);
        LibcStubs.provide(libcStubs);
        int linkedStale = 0;
        for (BuildUnits.Unit unit : stale) {
            linkedStale += unit.linked() ? 1 : 0;
        }
        // Without linked objects an object is a source, and the line says so as it always did.
        String what = linkedStale == 0 ? " BPF sources" : " BPF objects (" + linkedStale + " linked from "
                + (staleSources.size() - stale.size() + linkedStale) + " sources)";
        log.info("Compiling " + stale.size() + " of " + units.size() + what + " with clang " + clang.version()
                + " (" + clang.executable() + ", -target " + request.target() + ", __TARGET_ARCH_" + arch + ")");
        log.debug("clang flags: " + String.join(" ", command.flags()));
        Files.createDirectories(request.outputDirectory());
        List<SourceOutcome> outcomes = compileAll(request, clang, command, configHash, stale);

        List<String> failures = new ArrayList<>();
        List<Problem> warnings = new ArrayList<>();
        int failed = 0;
        for (SourceOutcome outcome : outcomes) {
            String key = outcome.unit().key();
            if (outcome.entry() != null) {
                entries.put(key, outcome.entry());
                warnings.addAll(outcome.warnings());
            } else {
                entries.remove(key);
                failures.addAll(outcome.failures());
                failed++;
            }
        }
        state.save(stateFile);
        if (!failures.isEmpty()) {
            throw new BpfBuildException("BPF compilation failed for " + failed + " of " + stale.size()
                    + (linkedStale == 0 ? " source(s)" : " object(s)"), failures);
        }
        List<CompileResult.CompiledObject> objects = new ArrayList<>(units.size());
        for (BuildUnits.Unit unit : units) {
            objects.add(new CompileResult.CompiledObject(unit.sources().get(0), unit.object(), isOneOf(unit, stale)));
        }
        return new CompileResult(objects, warnings);
    }

    /**
     * Whether {@code unit} is one of {@code units}, by identity ({@code stale} holds the planned units
     * themselves). Not a set or {@code contains}: a record's generated equals and hashCode are bootstrapped
     * through invokedynamic on first use, which costs a fresh JVM about ten milliseconds.
     */
    private static boolean isOneOf(BuildUnits.Unit unit, List<BuildUnits.Unit> units) {
        for (BuildUnits.Unit candidate : units) {
            if (candidate == unit) {
                return true;
            }
        }
        return false;
    }

    /** A linked object's configuration also covers its member list, so adding or removing one relinks. */
    private static String unitHash(String configHash, CompileRequest request, BuildUnits.Unit unit) {
        if (!unit.linked()) {
            return configHash;
        }
        StringBuilder text = new StringBuilder(configHash).append("\nlinker=").append(LINKER_VERSION);
        for (Path source : unit.sources()) {
            text.append('\n').append(relative(request.sourceDirectory(), source));
        }
        return fingerprint(text.toString());
    }

    /** Chooses clang (see {@link ClangSelector}), reusing the remembered probe while the binary is unchanged. */
    private Clang clang(CompileRequest request, BuildState state)
            throws BpfBuildException, IOException, InterruptedException {
        return new ClangSelector(locator, log).select(request.clang(), request.clangPolicy(),
                new Prober(request, state));
    }

    /**
     * Checks a chosen clang, reusing a remembered probe while the binary is unchanged: the one in the
     * build state, else the one in the probe cache (which outlives the output directory). A class rather
     * than a lambda: a lambda's first use costs a fresh JVM about a millisecond.
     */
    private final class Prober implements ClangSelector.Prober {
        private final CompileRequest request;
        private final BuildState state;

        Prober(CompileRequest request, BuildState state) {
            this.request = request;
            this.state = state;
        }

        @Override
        public Clang probe(Path executable) throws BpfBuildException, IOException, InterruptedException {
            return probed(executable, request, state);
        }
    }

    private Clang probed(Path executable, CompileRequest request, BuildState state)
            throws BpfBuildException, IOException, InterruptedException {
        Path real;
        try {
            real = executable.toRealPath();
        } catch (IOException unresolvable) {
            real = executable;
        }
        Optional<BuildState.FileStamp> stamp = BuildState.FileStamp.of(real);
        // The remembered stamp carries the configured path with the size and time of the binary it resolves to,
        // so both switching clang and upgrading it behind a symlink (clang -> clang-14 -> clang-15) re-probe.
        BuildState.FileStamp current = stamp.isEmpty() ? null
                : new BuildState.FileStamp(executable.toString(), stamp.get().size(), stamp.get().mtimeNanos());
        Clang remembered = remembered(state.clang(), current, executable);
        if (remembered != null) {
            return remembered;
        }
        Path cacheFile = probeCacheFile(request, executable);
        if (cacheFile != null && current != null) {
            BuildState.ClangProbe cached = BuildState.load(cacheFile).clang();
            remembered = remembered(cached, current, executable);
            if (remembered != null) {
                state.clang(cached);
                return remembered;
            }
        }
        Clang clang = ClangLocator.probe(executable);
        log.debug("Using clang " + executable + " (" + clang.versionText() + ")");
        if (current != null) {
            BuildState.ClangProbe probe = new BuildState.ClangProbe(current, clang.version().toString(),
                    clang.versionText(), clang.llvmStrip().isPresent() ? clang.llvmStrip().get().toString() : "");
            state.clang(probe);
            if (cacheFile != null) {
                BuildState cache = BuildState.empty();
                cache.clang(probe);
                try {
                    cache.save(cacheFile);
                } catch (IOException unwritable) {
                    // Only a cache: the next build probes again.
                    log.debug("Cannot remember the clang probe in " + cacheFile + ": " + unwritable);
                }
            }
        }
        return clang;
    }

    /** The probe, if it was taken of this binary as it is now ({@code current}); else null. */
    private Clang remembered(BuildState.ClangProbe probe, BuildState.FileStamp current, Path executable) {
        if (probe == null || current == null || !probe.executable().equals(current)) {
            return null;
        }
        Optional<ClangVersion> version = ClangVersion.parse("clang version " + probe.version());
        if (version.isEmpty()) {
            return null;
        }
        Optional<Path> strip = Optional.empty();
        if (!probe.llvmStrip().isEmpty()) {
            Path path = Path.of(probe.llvmStrip());
            if (Files.isExecutable(path)) {
                strip = Optional.of(path);
            }
        }
        log.debug("Using clang " + executable + " (" + probe.versionText() + ", checked before)");
        return new Clang(executable, version.get(), probe.versionText(), strip);
    }

    /** The probe cache file of one configured clang path, or null without a cache directory. */
    private static Path probeCacheFile(CompileRequest request, Path executable) {
        if (request.probeCacheDirectory().isEmpty()) {
            return null;
        }
        return request.probeCacheDirectory().get().resolve(".bpfj-clang-" + fingerprint(executable.toString()));
    }

    /** Deletes objects whose sources are gone, and forgets them. */
    /**
     * The state as read, or an empty one (everything is rebuilt) when a path in it is not where
     * this build puts things: an object outside the output directory or not in normal form, a
     * source key that climbs out of the source directory. Only an edited or forged file has such
     * paths, and acting on them could delete or overwrite files anywhere.
     */
    private BuildState confined(BuildState state, Path stateFile, CompileRequest request) {
        Path output = request.outputDirectory();
        for (Map.Entry<String, BuildState.Entry> entry : state.entries().entrySet()) {
            String problem;
            try {
                Path key = Path.of(entry.getKey());
                Path object = Path.of(entry.getValue().object().path());
                if (key.isAbsolute() || !key.normalize().equals(key) || key.startsWith("..")) {
                    problem = "the source " + entry.getKey() + " is not a path inside the source directory";
                } else if (!object.isAbsolute() || !object.normalize().equals(object) || !object.startsWith(output)
                        || object.equals(output)) {
                    problem = "the object " + object + " is not a path inside " + output;
                } else {
                    continue;
                }
            } catch (InvalidPathException unusable) {
                problem = "it holds an unusable path (" + unusable.getMessage() + ")";
            }
            log.warn("Ignoring the build state " + stateFile + ": " + problem
                    + ". It was edited by hand or forged; all BPF sources are compiled again.");
            return BuildState.empty();
        }
        return state;
    }

    /**
     * Deletes the hidden {@code .*.tmp} files this compiler and {@link dev.bpfj.toolchain.OutputFiles} write next to
     * objects and headers before renaming them into place. A build that was killed (kill -9,
     * power loss) leaves them behind; the output directory is the build's own, so any still there
     * when a build starts are stale.
     */
    private void removeTemporaryFiles(Path outputDirectory) throws IOException {
        if (!Files.isDirectory(outputDirectory, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(outputDirectory, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                    throws IOException {
                String name = file.getFileName().toString();
                if (name.startsWith(".") && name.endsWith(".tmp") && attrs.isRegularFile()) {
                    Files.deleteIfExists(file);
                    log.debug("Removed " + file + ", left behind by an interrupted build");
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private void removeStale(BuildState state, Set<String> present, CompileRequest request) throws IOException {
        List<String> gone = new ArrayList<>();
        for (String key : state.entries().keySet()) {
            if (!present.contains(key)) {
                gone.add(key);
            }
        }
        for (String key : gone) {
            Path object = Path.of(state.entries().get(key).object().path()).toAbsolutePath().normalize();
            if (object.startsWith(request.outputDirectory()) && !object.equals(request.outputDirectory())) {
                Files.deleteIfExists(object);
            }
            state.entries().remove(key);
            log.info("Removed " + object + ": " + (BuildUnits.isLinkedKey(key) ? "linked object "
                    + BuildUnits.linkedName(key) + " is no longer configured"
                    : "its source " + key + " is gone or no longer selected"));
        }
    }

    /** Fails early, with the fix, when a needed header is missing: better than clang's wall of errors. */
    private void checkHeaders(CompileRequest request, List<Path> stale, List<Path> projectIncludes,
            Path generatedIncludes) throws BpfBuildException, IOException {
        // The user's own -I directories count: a vmlinux.h found there is the one clang will read.
        List<Path> scanPath = new ArrayList<>(projectIncludes);
        scanPath.addAll(cflagIncludes(request));
        IncludeScanner scanner = new IncludeScanner(scanPath);
        List<Path> allDirs = searchPath(request);
        String needsLibbpf = null;
        String needsVmlinux = null;
        for (Path source : stale) {
            Set<String> names = scanner.includedNames(source);
            for (String name : names) {
                if (needsLibbpf == null && name.startsWith("bpf/") && !IncludeScanner.exists(name, allDirs)) {
                    needsLibbpf = relative(request.sourceDirectory(), source) + " includes <" + name + ">";
                }
            }
            if (needsVmlinux == null && names.contains("vmlinux.h") && !IncludeScanner.exists("vmlinux.h", scanPath)
                    && scanner.unresolvedNames(source).contains("vmlinux.h")) {
                // Only an include that resolves nowhere needs the generated header: a project's own vmlinux.h
                // next to a source or header, or in an -I directory, is what clang will read.
                needsVmlinux = relative(request.sourceDirectory(), source);
            }
        }
        if (needsLibbpf != null) {
            throw new BpfBuildException(needsLibbpf + ", but the libbpf headers are not installed (looked in "
                    + allDirs + "). Install them: apt-get install libbpf-dev (Debian/Ubuntu) or dnf install "
                    + "libbpf-devel (Fedora/RHEL), or add a directory containing bpf/bpf_helpers.h to <includes>.");
        }
        if (needsVmlinux != null) {
            VmlinuxHeaderProvider provider = VmlinuxHeaderProvider.ofOptionalFile(request.vmlinuxHeader())
                    .orElse(request.vmlinuxGenerator());
            if (!provider.provide(generatedIncludes, log)) {
                throw new BpfBuildException(needsVmlinux + " includes vmlinux.h, but there is none in "
                        + projectIncludes + ". Generate one from the kernel's BTF and put it in the source directory:"
                        + " bpftool btf dump file /sys/kernel/btf/vmlinux format c > "
                        + request.sourceDirectory().resolve("vmlinux.h")
                        + " -- or point the plugin at one with <vmlinuxHeader> / -Dbpf.vmlinuxHeader=path.");
            }
        }
    }

    /** The {@code -I} directories of the user's cflags, relative ones resolved as clang does: it runs in the project directory. */
    /**
     * Where clang looks for an {@code #include <...>}, in its order: the source directory, the
     * configured includes, the cflags' {@code -I} directories, the system directories.
     */
    private static List<Path> searchPath(CompileRequest request) {
        List<Path> dirs = new ArrayList<>();
        dirs.add(request.sourceDirectory());
        dirs.addAll(request.includes());
        dirs.addAll(cflagIncludes(request));
        dirs.addAll(request.systemIncludeDirectories());
        return dirs;
    }

    private static List<Path> cflagIncludes(CompileRequest request) {
        List<Path> dirs = new ArrayList<>();
        List<String> flags = request.cflags();
        for (int i = 0; i < flags.size(); i++) {
            String flag = flags.get(i);
            String dir = null;
            if ((flag.equals("-I") || flag.equals("-iquote") || flag.equals("-isystem")) && i + 1 < flags.size()) {
                dir = flags.get(++i);
            } else if (flag.startsWith("-I") && flag.length() > 2) {
                dir = flag.substring(2);
            }
            if (dir != null && !dir.isBlank()) {
                try {
                    dirs.add(request.projectDirectory().resolve(dir.strip()).normalize());
                } catch (RuntimeException notAPath) {
                    // clang will complain about it
                }
            }
        }
        return dirs;
    }

    /**
     * What happened to one object.
     *
     * @param unit     the object and its sources
     * @param entry    its new state entry, or {@code null} if it failed
     * @param failures the diagnostics or problems that failed it
     * @param warnings validation warnings of a successful compile
     */
    private record SourceOutcome(BuildUnits.Unit unit, BuildState.Entry entry, List<String> failures,
            List<Problem> warnings) {
    }

    private List<SourceOutcome> compileAll(CompileRequest request, Clang clang, ClangCommand command, String configHash,
            List<BuildUnits.Unit> stale) throws IOException, InterruptedException {
        int threads = Math.min(request.parallelism(), stale.size());
        if (threads == 1) {
            List<SourceOutcome> outcomes = new ArrayList<>();
            for (BuildUnits.Unit unit : stale) {
                outcomes.add(buildOne(request, clang, command, configHash, unit));
            }
            return outcomes;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "bpfj-clang");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<SourceOutcome>> futures = new ArrayList<>();
            for (BuildUnits.Unit unit : stale) {
                futures.add(pool.submit(() -> buildOne(request, clang, command, configHash, unit)));
            }
            List<SourceOutcome> outcomes = new ArrayList<>();
            for (Future<SourceOutcome> future : futures) {
                try {
                    outcomes.add(future.get());
                } catch (ExecutionException failed) {
                    Throwable cause = failed.getCause();
                    if (cause instanceof IOException io) {
                        throw io;
                    }
                    if (cause instanceof InterruptedException interrupted) {
                        throw interrupted;
                    }
                    if (cause instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    throw new IllegalStateException(cause);
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Compiles one source with clang into {@code output} and strips it.
     *
     * @return the errors that failed it (empty on success); {@code inputs} receives every file clang read
     */
    private List<String> runClang(CompileRequest request, Clang clang, ClangCommand command, Path source,
            Path output, Set<String> inputs) throws IOException, InterruptedException {
        String name = relative(request.sourceDirectory(), source);
        Path depFile = OutputFiles.createTemporary(output.getParent(), output.getFileName() + ".d");
        try {
            List<String> line = command.forSource(source, output, depFile);
            log.debug(String.join(" ", line));
            Processes.Outcome run;
            try {
                // In the directory that -ffile-prefix-map and -fdebug-compilation-dir write as ".": clang's
                // BPF backend reads each source line for .BTF.ext line_info from the path it recorded
                // (./src/main/bpf/x.bpf.c), relative to its working directory. Anywhere else it finds no
                // file and the verifier log and bpftool show no C text.
                run = Processes.run(line, request.projectDirectory());
            } catch (IOException cannotStart) {
                return List.of(name + ": cannot run " + clang.executable() + ": " + cannotStart.getMessage());
            }
            // Nothing printed, nothing to parse (nor the parser's patterns to compile).
            List<Diagnostic> diagnostics = run.output().isBlank() ? List.of() : Diagnostic.parse(run.output());
            for (Diagnostic diagnostic : diagnostics) {
                if (diagnostic.isError()) {
                    log.error(diagnostic.toString());
                } else {
                    log.warn(diagnostic.toString());
                }
            }
            if (run.exitCode() != 0 || Files.size(output) == 0) {
                List<String> errors = new ArrayList<>(diagnostics.stream().filter(Diagnostic::isError)
                        .map(Diagnostic::toString).toList());
                for (String note : newerLibbpfMacros(request, diagnostics)) {
                    log.error(note);
                    errors.add(note);
                }
                if (errors.isEmpty()) {
                    errors = List.of(name + ": clang exited with status " + run.exitCode() + ": "
                            + run.output().strip());
                }
                return errors;
            }
            if (request.strip()) {
                Optional<String> stripFailure = strip(clang, output);
                if (stripFailure.isPresent()) {
                    return List.of(name + ": " + stripFailure.get());
                }
            }
            for (String dependency : DepFile.prerequisites(Files.readString(depFile, StandardCharsets.UTF_8))) {
                // clang ran in the project directory (see above): its dependency paths are relative to it.
                inputs.add(request.projectDirectory().resolve(dependency).normalize().toString());
            }
            return List.of();
        } finally {
            Files.deleteIfExists(depFile);
        }
    }

    /**
     * For errors on lines that call a libbpf macro the headers clang read do not define (a source
     * written for newer libbpf headers), one line each naming the macro and the headers.
     */
    private static List<String> newerLibbpfMacros(CompileRequest request, List<Diagnostic> diagnostics)
            throws IOException {
        List<Path> dirs = searchPath(request);
        List<String> notes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Diagnostic diagnostic : diagnostics) {
            if (!diagnostic.isError() || diagnostic.line() <= 0) {
                continue;
            }
            Path file = request.projectDirectory().resolve(diagnostic.file()).normalize();
            Optional<String> note = LibbpfMacros.undefinedOnLine(file, diagnostic.line(), dirs);
            if (note.isPresent() && seen.add(note.get())) {
                notes.add(diagnostic.file() + ":" + diagnostic.line() + ": " + note.get());
            }
        }
        return notes;
    }

    private SourceOutcome buildOne(CompileRequest request, Clang clang, ClangCommand command, String configHash,
            BuildUnits.Unit unit) throws IOException, InterruptedException {
        Path object = unit.object();
        String name = unit.displayName();
        Files.createDirectories(object.getParent());
        Path temp = OutputFiles.createTemporary(object.getParent(), object.getFileName().toString());
        List<Path> memberObjects = new ArrayList<>();
        try {
            Set<String> inputs = new LinkedHashSet<>();
            if (!unit.linked()) {
                List<String> errors = runClang(request, clang, command, unit.sources().get(0), temp, inputs);
                if (!errors.isEmpty()) {
                    // Never leave the previous object: it no longer matches the source.
                    Files.deleteIfExists(object);
                    return failed(unit, errors);
                }
            } else {
                List<String> errors = new ArrayList<>();
                List<LinkInput> members = new ArrayList<>();
                for (Path source : unit.sources()) {
                    Path member = OutputFiles.createTemporary(object.getParent(),
                            object.getFileName() + "." + source.getFileName());
                    memberObjects.add(member);
                    List<String> memberErrors = runClang(request, clang, command, source, member, inputs);
                    errors.addAll(memberErrors);
                    if (memberErrors.isEmpty()) {
                        members.add(new LinkInput(relative(request.sourceDirectory(), source), Files.readAllBytes(member)));
                    }
                }
                if (!errors.isEmpty()) {
                    Files.deleteIfExists(object);
                    return failed(unit, errors);
                }
                try {
                    Files.write(temp, BpfLinker.link(members));
                } catch (BpfBuildException linkFailure) {
                    Files.deleteIfExists(object);
                    List<String> lines = new ArrayList<>();
                    lines.add(name + ": " + linkFailure.getMessage().lines().findFirst().orElse("link failed"));
                    lines.addAll(linkFailure.details());
                    log.error(String.join(System.lineSeparator(), lines));
                    return failed(unit, lines);
                }
                log.debug("Linked " + name);
            }
            List<Problem> problems = checker.check(temp, name);
            // Loops, not streams: each lambda's first use costs a fresh JVM about a millisecond.
            List<Problem> fatal = new ArrayList<>();
            List<Problem> warnings = new ArrayList<>();
            List<String> fatalLines = new ArrayList<>();
            for (Problem problem : problems) {
                if (problem.severity() == Problem.Severity.ERROR || request.failOnWarning()) {
                    fatal.add(problem);
                    fatalLines.add(problem.toString());
                    log.error(problem.toString());
                } else {
                    warnings.add(problem);
                    log.warn(problem.toString());
                }
            }
            if (!fatal.isEmpty()) {
                Files.deleteIfExists(object);
                return failed(unit, List.copyOf(fatalLines));
            }
            List<BuildState.FileStamp> stamps = new ArrayList<>();
            for (String input : inputs) {
                Path path = Path.of(input);
                // An input that vanished during the compile gets a stamp that never matches: recompile next time.
                stamps.add(BuildState.FileStamp.of(path).orElse(new BuildState.FileStamp(path.toString(), -1, -1)));
            }
            Files.move(temp, object, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Optional<BuildState.FileStamp> written = BuildState.FileStamp.of(object);
            if (written.isEmpty()) {
                throw new IOException(object + " vanished right after it was written");
            }
            BuildState.FileStamp objectStamp = written.get();
            log.debug("Wrote " + object);
            return new SourceOutcome(unit, new BuildState.Entry(unitHash(configHash, request, unit), objectStamp,
                    List.copyOf(stamps)), List.of(), List.copyOf(warnings));
        } finally {
            Files.deleteIfExists(temp);
            for (Path member : memberObjects) {
                Files.deleteIfExists(member);
            }
        }
    }

    private String configHashOf(ClangCommand command, Clang clang, CompileRequest request) {
        return fingerprint(String.join("\n", command.flags()) + "\n" + clang.executable() + "\n"
                + clang.versionText() + "\nstrip=" + request.strip() + "\nfailOnWarning=" + request.failOnWarning()
                + "\nformat=" + FORMAT_VERSION + "\nchecker=" + checker.configuration()
                + "\ntoolchain=" + TOOLCHAIN_BUILD);
    }

    /**
     * Which build of this toolchain runs: a new plugin release (or a rebuilt snapshot) may validate
     * differently, so objects it did not check are checked again instead of being "up to date".
     */
    private static final String TOOLCHAIN_BUILD = codeIdentity(codeLocation());

    private static Path codeLocation() {
        try {
            var source = BpfCompiler.class.getProtectionDomain().getCodeSource();
            return source == null ? null : Path.of(source.getLocation().toURI());
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The identity of the jar the toolchain was loaded from: its name, size and modification time
     * (cheap enough for a no-op build, and a rebuilt snapshot changes them); for classes loaded
     * from a directory (the project's own tests) or from nowhere known, a fixed text.
     *
     * @param location the jar or class directory, or null
     * @return a text that changes when the jar does
     */
    static String codeIdentity(Path location) {
        if (location == null || !Files.isRegularFile(location)) {
            return "classes";
        }
        try {
            return location.getFileName() + ":" + Files.size(location) + ":" + Files.getLastModifiedTime(location).toMillis();
        } catch (IOException e) {
            return location.getFileName().toString();
        }
    }

    /** Removes DWARF with llvm-strip -g, which keeps .BTF and .BTF.ext (they are not debug sections). */
    private Optional<String> strip(Clang clang, Path object) throws IOException, InterruptedException {
        if (clang.llvmStrip().isEmpty()) {
            log.warn("llvm-strip was not found next to " + clang.executable() + ", so objects keep their DWARF debug"
                    + " sections (install llvm: apt-get install llvm / dnf install llvm, or set <strip>false</strip>)");
            return Optional.empty();
        }
        List<String> line = List.of(clang.llvmStrip().get().toString(), "-g", object.toString());
        log.debug(String.join(" ", line));
        Processes.Outcome run = Processes.run(line, null);
        if (run.exitCode() != 0) {
            return Optional.of("llvm-strip -g failed with status " + run.exitCode() + ": " + run.output().strip());
        }
        return Optional.empty();
    }

    private static SourceOutcome failed(BuildUnits.Unit unit, List<String> failures) {
        return new SourceOutcome(unit, null, failures, List.of());
    }

    private static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    /** Tells configurations and source directories apart; see {@link Checksum64}. */
    private static String fingerprint(String text) {
        return Long.toHexString(Checksum64.of(text.getBytes(StandardCharsets.UTF_8)));
    }
}
