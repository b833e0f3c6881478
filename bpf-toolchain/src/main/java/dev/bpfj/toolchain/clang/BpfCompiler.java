package dev.bpfj.toolchain.clang;

import dev.bpfj.toolchain.Checksum64;
import dev.bpfj.toolchain.SourceFiles;
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
 * Compiles a directory of BPF C sources ({@code **}{@code /*.bpf.c}) into validated objects.
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
    private static final String SOURCE_SUFFIX = ".bpf.c";

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
        List<Path> sources = SourceFiles.find(request.sourceDirectory(), SOURCE_SUFFIX);
        Path stateFile = request.outputDirectory().resolve(".bpfj-state-" + fingerprint(request.sourceDirectory().toString()));
        BuildState state = confined(BuildState.load(stateFile), stateFile, request);
        removeTemporaryFiles(request.outputDirectory());
        if (sources.isEmpty()) {
            log.info("No BPF sources (*" + SOURCE_SUFFIX + ") in " + request.sourceDirectory());
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
        List<Path> stale = new ArrayList<>();
        Set<String> present = new LinkedHashSet<>();
        for (Path source : sources) {
            String key = relative(request.sourceDirectory(), source);
            present.add(key);
            BuildState.Entry entry = entries.get(key);
            if (entry == null || !entry.isCurrent(configHash)
                    || !entry.object().path().equals(objectFor(request, source).toString())) {
                stale.add(source);
            }
        }
        removeStale(state, present, request);
        if (stale.isEmpty()) {
            log.info("All " + sources.size() + " BPF objects in " + request.outputDirectory() + " are up to date (checked in "
                    + (System.nanoTime() - started) / 1_000_000 + " ms)");
            state.save(stateFile);
            List<CompileResult.CompiledObject> objects = new ArrayList<>(sources.size());
            for (Path source : sources) {
                objects.add(new CompileResult.CompiledObject(source, objectFor(request, source), false));
            }
            return new CompileResult(objects, List.of());
        }

        checkHeaders(request, stale, projectIncludes, generatedIncludes);
        log.info("Compiling " + stale.size() + " of " + sources.size() + " BPF sources with clang "
                + clang.version() + " (" + clang.executable() + ", -target " + request.target() + ", __TARGET_ARCH_"
                + arch + ")");
        log.debug("clang flags: " + String.join(" ", command.flags()));
        Files.createDirectories(request.outputDirectory());
        List<SourceOutcome> outcomes = compileAll(request, clang, command, stale);

        List<String> failures = new ArrayList<>();
        List<Problem> warnings = new ArrayList<>();
        for (SourceOutcome outcome : outcomes) {
            String key = relative(request.sourceDirectory(), outcome.source());
            if (outcome.entry() != null) {
                entries.put(key, outcome.entry());
                warnings.addAll(outcome.warnings());
            } else {
                entries.remove(key);
                failures.addAll(outcome.failures());
            }
        }
        state.save(stateFile);
        if (!failures.isEmpty()) {
            long failed = outcomes.stream().filter(o -> o.entry() == null).count();
            throw new BpfBuildException("BPF compilation failed for " + failed + " of " + stale.size()
                    + " source(s)", failures);
        }
        Set<Path> compiled = Set.copyOf(stale);
        return new CompileResult(sources.stream()
                .map(s -> new CompileResult.CompiledObject(s, objectFor(request, s), compiled.contains(s))).toList(),
                warnings);
    }

    /** Chooses clang (see {@link ClangSelector}), reusing the remembered probe while the binary is unchanged. */
    private Clang clang(CompileRequest request, BuildState state)
            throws BpfBuildException, IOException, InterruptedException {
        return new ClangSelector(locator, log).select(request.clang(), request.clangPolicy(),
                executable -> probed(executable, state));
    }

    /** Checks a chosen clang, reusing the remembered probe while the binary is unchanged. */
    private Clang probed(Path executable, BuildState state)
            throws BpfBuildException, IOException, InterruptedException {
        Path real;
        try {
            real = executable.toRealPath();
        } catch (IOException unresolvable) {
            real = executable;
        }
        Optional<BuildState.FileStamp> stamp = BuildState.FileStamp.of(real);
        BuildState.ClangProbe remembered = state.clang();
        // The remembered stamp carries the configured path with the size and time of the binary it resolves to,
        // so both switching clang and upgrading it behind a symlink (clang -> clang-14 -> clang-15) re-probe.
        if (remembered != null && stamp.isPresent()
                && remembered.executable().equals(new BuildState.FileStamp(executable.toString(), stamp.get().size(),
                        stamp.get().mtimeNanos()))) {
            Optional<ClangVersion> version = ClangVersion.parse("clang version " + remembered.version());
            if (version.isPresent()) {
                Optional<Path> strip = remembered.llvmStrip().isEmpty() ? Optional.empty()
                        : Optional.of(Path.of(remembered.llvmStrip())).filter(Files::isExecutable);
                log.debug("Using clang " + executable + " (" + remembered.versionText() + ", checked before)");
                return new Clang(executable, version.get(), remembered.versionText(), strip);
            }
        }
        Clang clang = ClangLocator.probe(executable);
        log.debug("Using clang " + executable + " (" + clang.versionText() + ")");
        if (stamp.isPresent()) {
            state.clang(new BuildState.ClangProbe(new BuildState.FileStamp(executable.toString(), stamp.get().size(),
                    stamp.get().mtimeNanos()), clang.version().toString(), clang.versionText(),
                    clang.llvmStrip().map(Path::toString).orElse("")));
        }
        return clang;
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
            log.info("Removed " + object + ": its source " + key + " no longer exists");
        }
    }

    /** Fails early, with the fix, when a needed header is missing: better than clang's wall of errors. */
    private void checkHeaders(CompileRequest request, List<Path> stale, List<Path> projectIncludes,
            Path generatedIncludes) throws BpfBuildException, IOException {
        IncludeScanner scanner = new IncludeScanner(projectIncludes);
        List<Path> allDirs = new ArrayList<>(projectIncludes);
        allDirs.addAll(request.systemIncludeDirectories());
        String needsLibbpf = null;
        String needsVmlinux = null;
        for (Path source : stale) {
            Set<String> names = scanner.includedNames(source);
            for (String name : names) {
                if (needsLibbpf == null && name.startsWith("bpf/") && !IncludeScanner.exists(name, allDirs)) {
                    needsLibbpf = relative(request.sourceDirectory(), source) + " includes <" + name + ">";
                }
            }
            if (needsVmlinux == null && names.contains("vmlinux.h")
                    && !IncludeScanner.exists("vmlinux.h", projectIncludes)) {
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

    /**
     * What happened to one source.
     *
     * @param source   the source
     * @param entry    its new state entry, or {@code null} if it failed
     * @param failures the diagnostics or problems that failed it
     * @param warnings validation warnings of a successful compile
     */
    private record SourceOutcome(Path source, BuildState.Entry entry, List<String> failures, List<Problem> warnings) {
    }

    private List<SourceOutcome> compileAll(CompileRequest request, Clang clang, ClangCommand command, List<Path> stale)
            throws IOException, InterruptedException {
        int threads = Math.min(request.parallelism(), stale.size());
        if (threads == 1) {
            List<SourceOutcome> outcomes = new ArrayList<>();
            for (Path source : stale) {
                outcomes.add(compileOne(request, clang, command, source));
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
            for (Path source : stale) {
                futures.add(pool.submit(() -> compileOne(request, clang, command, source)));
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

    private SourceOutcome compileOne(CompileRequest request, Clang clang, ClangCommand command, Path source)
            throws IOException, InterruptedException {
        Path object = objectFor(request, source);
        String name = relative(request.sourceDirectory(), source);
        Files.createDirectories(object.getParent());
        String base = "." + object.getFileName();
        Path temp = Files.createTempFile(object.getParent(), base, ".tmp");
        Path depFile = Files.createTempFile(object.getParent(), base, ".d.tmp");
        try {
            List<String> line = command.forSource(source, temp, depFile);
            log.debug(String.join(" ", line));
            Processes.Outcome run;
            try {
                // In the directory that -ffile-prefix-map and -fdebug-compilation-dir write as ".": clang's
                // BPF backend reads each source line for .BTF.ext line_info from the path it recorded
                // (./src/main/bpf/x.bpf.c), relative to its working directory. Anywhere else it finds no
                // file and the verifier log and bpftool show no C text.
                run = Processes.run(line, request.projectDirectory());
            } catch (IOException cannotStart) {
                Files.deleteIfExists(object);
                return failed(source, List.of(name + ": cannot run " + clang.executable() + ": "
                        + cannotStart.getMessage()));
            }
            List<Diagnostic> diagnostics = Diagnostic.parse(run.output());
            for (Diagnostic diagnostic : diagnostics) {
                if (diagnostic.isError()) {
                    log.error(diagnostic.toString());
                } else {
                    log.warn(diagnostic.toString());
                }
            }
            if (run.exitCode() != 0 || Files.size(temp) == 0) {
                // Never leave the previous object: it no longer matches the source.
                Files.deleteIfExists(object);
                List<String> errors = diagnostics.stream().filter(Diagnostic::isError).map(Diagnostic::toString)
                        .toList();
                if (errors.isEmpty()) {
                    errors = List.of(name + ": clang exited with status " + run.exitCode() + ": "
                            + run.output().strip());
                }
                return failed(source, errors);
            }
            if (request.strip()) {
                Optional<String> stripFailure = strip(clang, temp);
                if (stripFailure.isPresent()) {
                    Files.deleteIfExists(object);
                    return failed(source, List.of(name + ": " + stripFailure.get()));
                }
            }
            List<Problem> problems = checker.check(temp, name);
            List<Problem> fatal = problems.stream()
                    .filter(p -> p.severity() == Problem.Severity.ERROR || request.failOnWarning()).toList();
            List<Problem> warnings = problems.stream().filter(p -> !fatal.contains(p)).toList();
            for (Problem problem : problems) {
                if (fatal.contains(problem)) {
                    log.error(problem.toString());
                } else {
                    log.warn(problem.toString());
                }
            }
            if (!fatal.isEmpty()) {
                Files.deleteIfExists(object);
                return failed(source, fatal.stream().map(Problem::toString).toList());
            }
            List<BuildState.FileStamp> inputs = new ArrayList<>();
            for (String dependency : DepFile.prerequisites(Files.readString(depFile, StandardCharsets.UTF_8))) {
                Path path = request.projectDirectory().resolve(dependency).normalize();
                // An input that vanished during the compile gets a stamp that never matches: recompile next time.
                inputs.add(BuildState.FileStamp.of(path).orElse(new BuildState.FileStamp(path.toString(), -1, -1)));
            }
            Files.move(temp, object, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            BuildState.FileStamp objectStamp = BuildState.FileStamp.of(object)
                    .orElseThrow(() -> new IOException(object + " vanished right after it was written"));
            log.debug("Wrote " + object);
            return new SourceOutcome(source, new BuildState.Entry(configHashOf(command, clang, request), objectStamp,
                    List.copyOf(inputs)), List.of(), warnings);
        } finally {
            Files.deleteIfExists(temp);
            Files.deleteIfExists(depFile);
        }
    }

    private String configHashOf(ClangCommand command, Clang clang, CompileRequest request) {
        return fingerprint(String.join("\n", command.flags()) + "\n" + clang.executable() + "\n"
                + clang.versionText() + "\nstrip=" + request.strip() + "\nfailOnWarning=" + request.failOnWarning()
                + "\nformat=" + FORMAT_VERSION + "\nchecker=" + checker.configuration());
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

    private static SourceOutcome failed(Path source, List<String> failures) {
        return new SourceOutcome(source, null, failures, List.of());
    }

    /**
     * Where a source's object goes: same relative path under the output directory, {@code .c}
     * replaced by {@code .o}.
     */
    private static Path objectFor(CompileRequest request, Path source) {
        String relative = relative(request.sourceDirectory(), source);
        return request.outputDirectory().resolve(relative.substring(0, relative.length() - 2) + ".o");
    }

    private static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    /** Tells configurations and source directories apart; see {@link Checksum64}. */
    private static String fingerprint(String text) {
        return Long.toHexString(Checksum64.of(text.getBytes(StandardCharsets.UTF_8)));
    }
}
