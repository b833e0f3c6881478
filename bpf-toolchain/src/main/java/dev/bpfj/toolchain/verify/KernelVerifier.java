package dev.bpfj.toolchain.verify;

import dev.bpfj.toolchain.BpfFormatException;
import dev.bpfj.toolchain.clang.BpfBuildException;
import dev.bpfj.toolchain.clang.BuildLog;
import dev.bpfj.toolchain.object.BpfObjectSpec;
import dev.bpfj.toolchain.object.GlobalSection;
import dev.bpfj.toolchain.object.GlobalVariable;
import dev.bpfj.toolchain.validate.RuntimeRequirement;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs {@code bpf:verify}: finds the objects, decides whether this machine can load them, hands
 * them to a forked Java 22+ process running the runtime's {@code VerifyMain}, and turns rejections
 * into a build failure that shows the cause, the C line and the annotated verifier log.
 */
public final class KernelVerifier {

    /** The runtime's entry point for the forked process. */
    public static final String MAIN_CLASS = "dev.bpfj.runtime.internal.verify.VerifyMain";
    private static final long TIMEOUT_SECONDS = 300;
    /** How VerifyMain separates the logs of several rejected programs of one object. */
    static final String LOG_SEPARATOR = "\n@@bpfj-next-rejected-program@@\n";

    private final BuildLog log;

    /**
     * Creates the verifier.
     *
     * @param log where progress and skips are reported
     */
    public KernelVerifier(BuildLog log) {
        this.log = log;
    }

    /**
     * Verifies the objects of {@code request}.
     *
     * @param request what to check
     * @return the number of objects the kernel accepted; 0 when skipped
     * @throws BpfBuildException    on a rejection, on configuration that names nothing, or when loading is
     *                              required and impossible here
     * @throws IOException          when the files or the process cannot be handled
     * @throws InterruptedException when interrupted while waiting for the process
     */
    public int verify(VerifyRequest request) throws BpfBuildException, IOException, InterruptedException {
        List<Path> objects = objects(request.objectDirectory());
        if (objects.isEmpty()) {
            log.info("bpf:verify: no objects in " + request.objectDirectory() + ", nothing to load");
            return 0;
        }
        List<String> problems = KernelAccess.problems();
        if (!problems.isEmpty()) {
            String reason = "bpf:verify cannot load BPF programs on this machine: " + String.join("; ", problems);
            if (request.required()) {
                throw new BpfBuildException(reason + ". Loading is required (" + request.requiredBecause()
                        + "): run the build as root or with CAP_BPF and CAP_PERFMON, or set -Dbpf.verify.require=false "
                        + "to skip, or -Dbpf.verify.skip");
            }
            log.warn(reason + "; skipping the verifier check of " + objects.size() + " object(s) "
                    + "(-Dbpf.verify.require=true makes this a failure)");
            return 0;
        }
        if (request.java() == null || !Files.isExecutable(request.java())) {
            throw new BpfBuildException("bpf:verify needs a Java 22 or newer to load programs, and found none"
                    + (request.java() == null ? "" : " at " + request.java()) + ": run Maven on JDK 22+, or set "
                    + "bpf.verify.java to the java executable of one (e.g. /usr/lib/jvm/temurin-25-jdk-amd64/bin/java)");
        }
        String kernel = KernelAccess.kernelRelease();
        Properties verifyRequest = new Properties();
        List<Path> sent = new ArrayList<>();
        Set<String> usedMaps = new HashSet<>();
        Set<String> usedRodata = new HashSet<>();
        Set<String> usedPrograms = new HashSet<>();
        List<String> missingSettings = new ArrayList<>();
        for (Path object : objects) {
            String fileName = object.getFileName().toString();
            String minimum = request.minimumKernels().get(fileName);
            if (minimum != null && !KernelAccess.atLeast(kernel, minimum)) {
                log.info("bpf:verify: skipping " + fileName + ": it is marked to need kernel " + minimum
                        + " and this is " + kernel);
                // What the configuration names in a skipped object is not a misspelling.
                configure(new Properties(), 0, object, request, usedMaps, usedRodata, usedPrograms);
                continue;
            }
            List<String> unsettable = new ArrayList<>();
            List<String> unset = new ArrayList<>();
            applicationSettings(object, request, unsettable, unset);
            if (!unsettable.isEmpty()) {
                log.warn("bpf:verify: not loading " + fileName + ": " + String.join("; ", unsettable)
                        + "; bpf:verify has no setting for that, so only the application can load this object");
                configure(new Properties(), 0, object, request, usedMaps, usedRodata, usedPrograms);
                continue;
            }
            if (!unset.isEmpty()) {
                missingSettings.add(fileName + ": " + String.join("; ", unset));
            }
            int index = sent.size();
            sent.add(object);
            configure(verifyRequest, index, object, request, usedMaps, usedRodata, usedPrograms);
        }

        unused("map", request.maxEntries().keySet(), usedMaps, "maxEntries");
        unused("map", request.keySizes().keySet(), usedMaps, "keySizes");
        unused("map", request.valueSizes().keySet(), usedMaps, "valueSizes");
        unused("read-only global", request.rodata().keySet(), usedRodata, "rodata");
        unused("program", new HashSet<>(request.skipPrograms()), usedPrograms, "skipPrograms");
        unused("program", request.attachTargets().keySet(), usedPrograms, "attachTargets");
        if (!missingSettings.isEmpty()) {
            // libbpf would only say "map 'x': failed to create: Invalid argument" for these.
            throw new BpfBuildException("bpf:verify: " + missingSettings.size() + " object(s) need settings that the"
                    + " application makes before load, and bpf:verify's configuration does not give them:", missingSettings);
        }
        if (sent.isEmpty()) {
            return 0;
        }
        verifyRequest.setProperty("count", String.valueOf(sent.size()));
        Path stampFile = request.workDirectory().resolve("verified.stamp");
        String stamp = stamp(kernel, verifyRequest, sent, request.runtimeJar());
        if (Files.isRegularFile(stampFile) && Files.readString(stampFile, StandardCharsets.UTF_8).equals(stamp)) {
            log.info("bpf:verify: " + sent.size() + " object(s) unchanged since the kernel (" + kernel
                    + ") accepted them; not loaded again");
            return sent.size();
        }
        Files.deleteIfExists(stampFile);
        Properties result = run(request, verifyRequest);

        List<String> failures = new ArrayList<>();
        int accepted = 0;
        for (int i = 0; i < sent.size(); i++) {
            String prefix = i + ".";
            String fileName = request.objectDirectory().relativize(sent.get(i)).toString();
            String status = result.getProperty(prefix + "status", "missing");
            switch (status) {
                case "ok" -> {
                    accepted++;
                    log.debug("bpf:verify: " + fileName + " loaded: " + result.getProperty(prefix + "programs"));
                }
                case "rejected" -> failures.addAll(rejection(fileName, result, prefix, request.sourceRoots()));
                default -> failures.add(fileName + ": " + result.getProperty(prefix + "message",
                        "the verifier process reported nothing for it"));
            }
        }
        if (!failures.isEmpty()) {
            throw new BpfBuildException("bpf:verify: the kernel (" + kernel + ") refused " + (sent.size() - accepted)
                    + " of " + sent.size() + " object(s):", failures);
        }
        log.info("bpf:verify: the kernel (" + kernel + ") accepted every program of " + accepted + " object(s)");
        Files.writeString(stampFile, stamp, StandardCharsets.UTF_8);
        return accepted;
    }

    /**
     * What a successful check depends on: the kernel (release and build), the runtime jar, the
     * request (objects and settings) and each object's size, modification time and file key. An unchanged
     * stamp lets a no-op build skip the JVM start and the loading.
     */
    private static String stamp(String kernel, Properties verifyRequest, List<Path> objects, Path runtimeJar)
            throws IOException {
        StringBuilder text = new StringBuilder("kernel=").append(kernel).append(' ').append(kernelBuild()).append('\n');
        if (Files.isRegularFile(runtimeJar)) {
            text.append("runtime=").append(runtimeJar).append(' ').append(Files.size(runtimeJar)).append(' ')
                    .append(Files.getLastModifiedTime(runtimeJar).toMillis()).append('\n');
        }
        new TreeMap<>(verifyRequest).forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        for (Path object : objects) {
            BasicFileAttributes attributes = Files.readAttributes(object, BasicFileAttributes.class);
            text.append(object).append(' ').append(attributes.size()).append(' ')
                    .append(attributes.lastModifiedTime().toMillis()).append(' ').append(attributes.fileKey()).append('\n');
        }
        return text.toString();
    }

    private static String kernelBuild() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/version")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static List<String> rejection(String fileName, Properties result, String prefix, List<Path> sourceRoots) {
        String[] programs = result.getProperty(prefix + "program", "?").split(",");
        String[] errnos = result.getProperty(prefix + "errno", "").split(",");
        String[] logs = result.getProperty(prefix + "log", "").split(Pattern.quote(LOG_SEPARATOR));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < programs.length; i++) {
            VerifierLog annotated = VerifierLog.annotate(i < logs.length ? logs[i] : "", sourceRoots);
            lines.add(fileName + ": program " + programs[i] + " rejected by the verifier ("
                    + (i < errnos.length ? errnos[i] : "?") + ")");
            lines.add("  cause: " + annotated.cause());
            lines.add("  at:    " + annotated.location().orElse("(the log has no line info: compile with -g)"));
            lines.add("  verifier log, annotated with the C source:");
            for (String line : annotated.lines()) {
                lines.add("    " + line);
            }
        }
        String message = result.getProperty(prefix + "message");
        if (message != null) {
            lines.add(fileName + ": after leaving out the rejected program(s): " + message);
        }
        return lines;
    }

    /**
     * What {@code object} leaves to the application (maps sized at run time, programs without an
     * attach target) and this goal's configuration does not give: {@code unsettable} receives what
     * the configuration cannot give at all, {@code unset} what it can, each with the setting to add.
     */
    private static void applicationSettings(Path object, VerifyRequest request, List<String> unsettable, List<String> unset)
            throws BpfBuildException, IOException {
        BpfObjectSpec spec;
        try {
            spec = BpfObjectSpec.read(object);
        } catch (BpfFormatException e) {
            throw new BpfBuildException("bpf:verify cannot read " + object + ": " + e.getMessage());
        }
        for (RuntimeRequirement requirement : RuntimeRequirement.of(spec)) {
            String name = requirement.name();
            switch (requirement.kind()) {
                case MAP_MAX_ENTRIES -> {
                    if (!request.maxEntries().containsKey(name)) {
                        unset.add("map " + name + " (" + requirement.section() + ") has max_entries 0, which the application"
                                + " sets before load: give the size to load it with, <maxEntries><" + name + ">N</" + name
                                + "></maxEntries>");
                    }
                }
                case ATTACH_TARGET -> {
                    if (!request.attachTargets().containsKey(name) && !request.skipPrograms().contains(name)) {
                        unset.add("program " + name + " (SEC(\"" + requirement.section() + "\")) names no attach target,"
                                + " which the application sets before load: give one, <attachTargets><" + name
                                + ">function</" + name + "></attachTargets>, or leave the program out, <skipPrograms>"
                                + "<skipProgram>" + name + "</skipProgram></skipPrograms>");
                    }
                }
                case MAP_KEY_SIZE -> {
                    if (!request.keySizes().containsKey(name)) {
                        unset.add("map " + name + " (" + requirement.section() + ") has key size 0, which the application"
                                + " sets before load: give the size to load it with, <keySizes><" + name + ">bytes</"
                                + name + "></keySizes>");
                    }
                }
                case MAP_VALUE_SIZE -> {
                    if (!request.valueSizes().containsKey(name)) {
                        unset.add("map " + name + " (" + requirement.section() + ") has value size 0, which the"
                                + " application sets before load: give the size to load it with, <valueSizes><" + name
                                + ">bytes</" + name + "></valueSizes> (a stack map's is the stack depth times 8)");
                    }
                }
                case INNER_MAP -> unsettable.add("map " + name + " (" + requirement.section() + ") has no inner map,"
                        + " which the application gives before load (BpfMap.innerMap)");
                case ATTACH_TARGET_PROGRAM -> {
                    if (!request.skipPrograms().contains(name)) {
                        unsettable.add("program " + name + " (SEC(\"" + requirement.section() + "\")) replaces a function"
                                + " of a program the application loads first (BpfProgram.attachTarget(program, function))");
                    }
                }
                default -> { }
            }
        }
    }

    /** Writes one per-map setting for the maps of {@code spec} that it names. */
    private static void mapSettings(Properties out, String prefix, Map<String, Integer> settings, BpfObjectSpec spec,
            Set<String> usedMaps) {
        for (Map.Entry<String, Integer> entry : settings.entrySet()) {
            if (spec.map(entry.getKey()).isPresent()) {
                usedMaps.add(entry.getKey());
                out.setProperty(prefix + entry.getKey(), String.valueOf(entry.getValue()));
            }
        }
    }

    private void configure(Properties out, int index, Path object, VerifyRequest request, Set<String> usedMaps,
            Set<String> usedRodata, Set<String> usedPrograms) throws IOException, BpfBuildException {
        String prefix = index + ".";
        out.setProperty(prefix + "file", object.toAbsolutePath().toString());
        if (request.maxEntries().isEmpty() && request.keySizes().isEmpty() && request.valueSizes().isEmpty()
                && request.rodata().isEmpty() && request.skipPrograms().isEmpty() && request.attachTargets().isEmpty()) {
            return;
        }
        BpfObjectSpec spec;
        try {
            spec = BpfObjectSpec.read(object);
        } catch (BpfFormatException e) {
            throw new BpfBuildException("bpf:verify cannot read " + object + ": " + e.getMessage());
        }
        mapSettings(out, prefix + "maxEntries.", request.maxEntries(), spec, usedMaps);
        mapSettings(out, prefix + "keySize.", request.keySizes(), spec, usedMaps);
        mapSettings(out, prefix + "valueSize.", request.valueSizes(), spec, usedMaps);
        for (String program : request.skipPrograms()) {
            if (spec.program(program).isPresent()) {
                usedPrograms.add(program);
                out.setProperty(prefix + "skip." + program, "true");
            }
        }
        for (Map.Entry<String, String> entry : request.attachTargets().entrySet()) {
            if (spec.program(entry.getKey()).isPresent()) {
                usedPrograms.add(entry.getKey());
                out.setProperty(prefix + "attachTarget." + entry.getKey(), entry.getValue());
            }
        }
        for (Map.Entry<String, String> entry : request.rodata().entrySet()) {
            for (GlobalSection section : spec.globalSections()) {
                if (!section.readOnly()) {
                    continue;
                }
                GlobalVariable variable = section.variable(entry.getKey()).orElse(null);
                if (variable != null) {
                    usedRodata.add(entry.getKey());
                    out.setProperty(prefix + "global." + section.name() + "." + variable.offset(),
                            HexFormat.of().formatHex(encode(entry.getKey(), entry.getValue(), variable, spec, object)));
                }
            }
        }
    }

    private static byte[] encode(String name, String value, GlobalVariable variable, BpfObjectSpec spec, Path object)
            throws BpfBuildException {
        long number;
        String text = value.strip().toLowerCase(Locale.ROOT);
        try {
            number = text.equals("true") ? 1 : text.equals("false") ? 0
                    : text.startsWith("0x") ? Long.parseUnsignedLong(text.substring(2), 16) : Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new BpfBuildException("bpf:verify: rodata " + name + " = \"" + value + "\" is not a number (decimal, "
                    + "0x hex, true or false)");
        }
        int size = (int) variable.size();
        if (size != 1 && size != 2 && size != 4 && size != 8) {
            throw new BpfBuildException("bpf:verify: rodata " + name + " of " + object.getFileName() + " is " + size
                    + " bytes; only 1, 2, 4 and 8-byte integers can be set from the configuration");
        }
        ByteBuffer buffer = ByteBuffer.allocate(8).order(spec.byteOrder()).putLong(0, number);
        byte[] bytes = new byte[size];
        // Little-endian: the low bytes come first; big-endian: the low bytes are the last ones.
        buffer.get(spec.byteOrder() == java.nio.ByteOrder.LITTLE_ENDIAN ? 0 : 8 - size, bytes);
        return bytes;
    }

    private static void unused(String what, Set<String> configured, Set<String> used, String parameter)
            throws BpfBuildException {
        for (String name : configured) {
            if (!used.contains(name)) {
                throw new BpfBuildException("bpf:verify: <" + parameter + "> names " + what + " " + name
                        + ", which no object has; check the name (C names, like my_map)");
            }
        }
    }

    private Properties run(VerifyRequest request, Properties verifyRequest) throws IOException, InterruptedException,
            BpfBuildException {
        Files.createDirectories(request.workDirectory());
        Path requestFile = request.workDirectory().resolve("verify-request.properties");
        Path resultFile = request.workDirectory().resolve("verify-result.properties");
        Files.deleteIfExists(resultFile);
        try (Writer out = Files.newBufferedWriter(requestFile, StandardCharsets.UTF_8)) {
            verifyRequest.store(out, "bpf:verify request");
        }
        List<String> command = List.of(request.java().toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "-cp", request.runtimeJar().toString(), MAIN_CLASS,
                requestFile.toString(), resultFile.toString());
        log.debug("bpf:verify: " + String.join(" ", command));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output;
        try (InputStream in = process.getInputStream()) {
            output = in.readAllBytes();
        }
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("the bpf:verify process did not finish within " + TIMEOUT_SECONDS + " s");
        }
        String text = new String(output, StandardCharsets.UTF_8).strip();
        if (process.exitValue() != 0 || !Files.isRegularFile(resultFile)) {
            throw new BpfBuildException("bpf:verify: the loader process (" + request.java() + ") failed with exit code "
                    + process.exitValue() + (text.contains("UnsupportedClassVersionError")
                    ? "; it is older than Java 22: set bpf.verify.java to a java 22+ executable" : "")
                    + (text.isEmpty() ? "" : ":\n" + text));
        }
        if (!text.isEmpty()) {
            log.debug(text);
        }
        Properties result = new Properties();
        try (Reader in = Files.newBufferedReader(resultFile, StandardCharsets.UTF_8)) {
            result.load(in);
        }
        return result;
    }

    private static List<Path> objects(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(directory)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(".bpf.o")).filter(Files::isRegularFile)
                    .sorted().toList();
        }
    }
}
