package dev.bpfj.examples.opensnoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.bpfj.test.KernelTest;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the packaged {@code opensnoop.jar} as root, the way a user does, and checks its output
 * against opens made by child processes and threads whose pid, uid and name the test knows.
 */
@KernelTest(needs = {KernelTest.Facility.TRACEFS, KernelTest.Facility.BPFTOOL})
class OpensnoopIT {

    /** Generous bounds for a loaded CI machine; no test asserts how fast anything is. */
    private static final long START_TIMEOUT_S = 60;
    private static final long EVENT_TIMEOUT_S = 30;
    private static final int ENOENT = 2;
    /** Runs of the no-loss load test before it fails (see {@link #checkNothingLostUnderLoad}). */
    private static final int LOAD_ATTEMPTS = 3;

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    private Path stdout;
    private Path stderr;

    @BeforeEach
    void files() {
        stdout = dir.resolve("opensnoop.out");
        stderr = dir.resolve("opensnoop.err");
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        for (Process process : started) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    // ------------------------------------------------------------------ tests

    @Test
    void reportsAChildsOpenWithPidCommFdAndPath() throws Exception {
        checkChildOpenIsReported(List.of());
    }

    @Test
    void perfBufferPathReportsTheSame() throws Exception {
        checkChildOpenIsReported(List.of("--perf-buffer"));
    }

    private void checkChildOpenIsReported(List<String> extra) throws Exception {
        Path target = Files.writeString(dir.resolve("seen-" + UUID.randomUUID()), "x");
        Process child = shell("exec 3<'" + target + "'; echo opened");
        List<String> args = new ArrayList<>(List.of("-p", Long.toString(child.pid())));
        args.addAll(extra);
        Process snoop = startOpensnoop(args);
        release(child);
        String line = awaitLine(snoop, l -> l.endsWith(" " + target));
        assertTrue(Pattern.matches(child.pid() + " +sh +3 +0 " + Pattern.quote(target.toString()), line), line);
        assertEquals(0, stop(snoop));
        assertEquals("PID    COMM              FD ERR PATH", Files.readAllLines(stdout).get(0));
    }

    @Test
    void failedOnlyShowsTheFailedOpenWithEnoent() throws Exception {
        Path present = Files.writeString(dir.resolve("present-" + UUID.randomUUID()), "x");
        Path missing = dir.resolve("missing-" + UUID.randomUUID());
        Process child = shell("exec 3<'" + present + "'; { : <'" + missing + "'; } 2>/dev/null; echo done");
        Process snoop = startOpensnoop(List.of("-x", "-p", Long.toString(child.pid())));
        release(child);
        String line = awaitLine(snoop, l -> l.endsWith(" " + missing));
        assertTrue(Pattern.matches(child.pid() + " +sh +-1 +" + ENOENT + " " + Pattern.quote(missing.toString()), line), line);
        assertEquals(0, stop(snoop));
        String out = Files.readString(stdout);
        assertFalse(out.contains(present.toString()), "-x printed a successful open:\n" + out);
        assertFalse(out.contains("/dev/null"), "-x printed a successful open:\n" + out);
    }

    @Test
    void uidFilterAndUidColumn() throws Exception {
        // under the world-readable temporary folder, so that nobody gets ENOENT rather than EACCES
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path asRoot = tmp.resolve("opensnoop-root-" + UUID.randomUUID());
        Path asNobody = tmp.resolve("opensnoop-nobody-" + UUID.randomUUID());
        Process rootChild = shell("{ : <'" + asRoot + "'; } 2>/dev/null; echo done");
        Process nobodyChild = shell(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "sh", "-c", "read go; { : <'" + asNobody + "'; } 2>/dev/null; echo done"));
        Process snoop = startOpensnoop(List.of("-u", "65534", "-U"));
        release(rootChild);
        release(nobodyChild);
        String line = awaitLine(snoop, l -> l.endsWith(" " + asNobody));
        assertTrue(Pattern.matches("65534 +" + nobodyChild.pid() + " +sh +-1 +" + ENOENT + " "
                + Pattern.quote(asNobody.toString()), line), line);
        assertEquals(0, stop(snoop));
        assertFalse(Files.readString(stdout).contains(asRoot.toString()), "-u 65534 printed root's open");
    }

    @Test
    void nameFilterMatchesPartOfTheCommand() throws Exception {
        // comm is the name the program was executed as, so a link gives the child a unique one
        Path kid = Files.createSymbolicLink(dir.resolve("snoopkid"), Path.of("/bin/sh"));
        Path named = dir.resolve("named-" + UUID.randomUUID());
        Path other = dir.resolve("other-" + UUID.randomUUID());
        Process namedChild = shell(List.of(kid.toString(), "-c", "read go; { : <'" + named + "'; } 2>/dev/null"));
        Process otherChild = shell("{ : <'" + other + "'; } 2>/dev/null; echo done");
        Process snoop = startOpensnoop(List.of("-n", "oopki"));
        release(otherChild);
        otherChild.waitFor(EVENT_TIMEOUT_S, TimeUnit.SECONDS);
        release(namedChild);
        String line = awaitLine(snoop, l -> l.endsWith(" " + named));
        assertTrue(line.startsWith(namedChild.pid() + " ") && line.contains(" snoopkid "), line);
        assertEquals(0, stop(snoop));
        String out = Files.readString(stdout);
        assertFalse(out.contains(other.toString()), "-n oopki printed another command's open:\n" + out);
        for (String l : out.lines().skip(1).toList()) {
            assertTrue(l.contains("snoopkid"), "-n oopki printed: " + l);
        }
    }

    @Test
    void durationExitsByItself() throws Exception {
        Process snoop = startOpensnoop(List.of("-d", "1", "-p", "1"));
        List<Integer> programs = programIds(snoop);
        assertTrue(programs.size() >= 4, "expected the entry and exit programs to be loaded, found " + programs);
        assertTrue(snoop.waitFor(START_TIMEOUT_S, TimeUnit.SECONDS), "opensnoop -d 1 did not exit by itself");
        assertEquals(0, snoop.exitValue(), this::errText);
        assertEquals("PID    COMM              FD ERR PATH", Files.readAllLines(stdout).get(0));
        assertProgramsGone(programs);
    }

    @Test
    void timestampUidAndExtendedColumns() throws Exception {
        Path created = dir.resolve("created-" + UUID.randomUUID());
        Process child = shell("exec 3>'" + created + "'; exec 4<'" + created + "'; echo done");
        Process snoop = startOpensnoop(List.of("-T", "-U", "-e", "-p", Long.toString(child.pid())));
        release(child);
        String line = awaitLine(snoop, l -> l.endsWith(" " + created) && l.contains(" 00001101 "));
        // the read-only open passes no mode: whatever the BPF side read is not printed
        String readOnly = awaitLine(snoop, l -> l.endsWith(" " + created) && !l.contains(" 00001101 "));
        assertTrue(Pattern.matches("\\d\\d:\\d\\d:\\d\\d " + Pattern.quote(String.format("%-7d %-6d %-16s %3d %3d ",
                0, child.pid(), "sh", 4, 0)) + "[0-7]{8} n/a  " + Pattern.quote(created.toString()), readOnly), readOnly);
        assertEquals("TIME     UID     PID    COMM              FD ERR FLAGS    MODE PATH",
                Files.readAllLines(stdout).get(0));
        // dash opens a > redirect with O_WRONLY|O_CREAT|O_TRUNC and mode 0666
        String expected = String.format("%-7d %-6d %-16s %3d %3d %08o %04o %s", 0, child.pid(), "sh", 3, 0,
                01101, 0666, created);
        assertTrue(Pattern.matches("\\d\\d:\\d\\d:\\d\\d " + Pattern.quote(expected), line), line + "\nexpected ..:..:.. " + expected);
        assertEquals(0, stop(snoop));
    }

    @Test
    void fullPathResolvesRelativeNames() throws Exception {
        String name = "relative-" + UUID.randomUUID();
        Files.writeString(dir.resolve(name), "x");
        // the second read keeps the child, and so its /proc/PID/cwd, alive until the line is checked
        Process child = new ProcessBuilder("sh", "-c", "read go; exec 3<'" + name + "'; read done")
                .directory(dir.toFile()).redirectErrorStream(true).start();
        started.add(child);
        Process snoop = startOpensnoop(List.of("-F", "-p", Long.toString(child.pid())));
        OutputStream stdin = child.getOutputStream();
        stdin.write("go\n".getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        String line = awaitLine(snoop, l -> l.endsWith(name));
        stdin.close();
        assertTrue(line.endsWith(" " + dir.toRealPath().resolve(name)), line);
        assertEquals(0, stop(snoop));
    }

    @Test
    void twoThreadsOpeningBackToBackLoseNothing() throws Exception {
        checkNothingLostUnderLoad(List.of());
    }

    @Test
    void twoThreadsOpeningBackToBackLoseNothingThroughThePerfBuffer() throws Exception {
        checkNothingLostUnderLoad(List.of("--perf-buffer"));
    }

    /**
     * Every open gets its own name, {@code load-ATTEMPT-THREAD-SEQUENCE}, so that a missing line is
     * found by its number and not only by a count; the names do not exist, so each open fails with
     * ENOENT, which the tool reports like any other open. {@code -Dopensnoop.loadSeconds=N} runs
     * longer than the default 5 s.
     *
     * <p>Two threads opening back to back keep both CPUs of a small machine busy, and the tool
     * must keep up with them on what is left. No reader can keep up with a stall of the whole
     * machine, though: a CI host that takes the CPUs away for a few hundred milliseconds overflows
     * any buffer. So an attempt whose losses the tool reported, each one counted, is run again, up
     * to {@link #LOAD_ATTEMPTS} attempts, and one attempt must lose nothing: a tool too slow for
     * the load loses in every attempt. What is never retried: an open missing from the output
     * without being counted as lost, a line printed twice, or a line for an open never made.
     */
    private void checkNothingLostUnderLoad(List<String> extra) throws Exception {
        List<String> attempts = new ArrayList<>();
        for (int attempt = 1; attempt <= LOAD_ATTEMPTS; attempt++) {
            stdout = dir.resolve("opensnoop-" + attempt + ".out");
            stderr = dir.resolve("opensnoop-" + attempt + ".err");
            String lossReported = loadAttempt(extra, dir.resolve("load-" + attempt + "-").toString());
            if (lossReported == null) {
                return;
            }
            attempts.add("attempt " + attempt + ": " + lossReported);
        }
        fail("opensnoop " + extra + " lost events in each of " + LOAD_ATTEMPTS + " attempts:\n"
                + String.join("\n", attempts));
    }

    /**
     * One run of the load: fails the test on a silent loss, a duplicate or an invented line;
     * returns what was lost when the tool reported every loss, or null when nothing was lost.
     */
    private String loadAttempt(List<String> extra, String prefix) throws Exception {
        long seconds = Long.getLong("opensnoop.loadSeconds", 5);
        long self = ProcessHandle.current().pid();
        List<String> args = new ArrayList<>(List.of("-p", Long.toString(self)));
        args.addAll(extra);
        Process snoop = startOpensnoop(args);
        long[] opens = openUniqueBackToBack(prefix, 2, seconds * 1_000);
        assertEquals(0, stop(snoop));
        String err = errText();
        List<List<Long>> reported = sequencesReported(prefix, opens.length);
        long total = 0;
        long lines = 0;
        long missing = 0;
        StringBuilder problems = new StringBuilder();
        boolean onlyMissing = true;
        for (int thread = 0; thread < opens.length; thread++) {
            total += opens[thread];
            lines += reported.get(thread).size();
            SequenceCheck check = sequenceCheck(reported.get(thread), opens[thread]);
            if (check.problem() != null) {
                problems.append("thread ").append(thread).append(": ").append(check.problem()).append('\n');
                onlyMissing &= check.duplicated() == 0 && check.beyond() == 0;
                missing += check.missing();
            }
        }
        System.out.printf("[opensnoop load %s] %d opens by %d threads in %d s, %d reported, stderr: %s%n",
                extra, total, opens.length, seconds, lines, err.isBlank() ? "(empty)" : err.strip());
        if (problems.isEmpty() && !err.toLowerCase(Locale.ROOT).contains("lost")) {
            assertEquals(total, lines, "opens made vs lines reported; stderr:\n" + err);
            return null;
        }
        assertTrue(onlyMissing, problems + "stderr:\n" + err);
        // Every open the output lacks must be in the tool's count of lost events. (The count covers
        // every open of this process, so it may also include an open the JVM made for itself.)
        var summary = Pattern.compile("opensnoop: lost (\\d+) events in total").matcher(err);
        assertTrue(summary.find(), missing + " opens missing from the output, and no loss reported:\n" + problems
                + "stderr:\n" + err);
        long lost = Long.parseLong(summary.group(1));
        assertTrue(lost >= missing, "only " + lost + " events reported lost, but " + missing
                + " opens are missing from the output:\n" + problems + "stderr:\n" + err);
        return missing + " of " + total + " opens missing, " + lost + " reported lost";
    }

    /** The sequence numbers of each thread's lines, in output order. */
    private List<List<Long>> sequencesReported(String prefix, int threads) throws IOException {
        Pattern name = Pattern.compile(" " + Pattern.quote(prefix) + "(\\d+)-(\\d+)$");
        List<List<Long>> sequences = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            sequences.add(new ArrayList<>());
        }
        try (var lines = Files.lines(stdout)) {
            lines.forEach(line -> {
                var matcher = name.matcher(line);
                if (matcher.find()) {
                    sequences.get(Integer.parseInt(matcher.group(1))).add(Long.parseLong(matcher.group(2)));
                }
            });
        }
        return sequences;
    }

    /**
     * What is wrong with one thread's reported sequence numbers: {@code problem} is null when they
     * are exactly 0 .. opens-1. The order is not checked: with the perf buffer, a thread that moves
     * to another CPU has its events in another CPU's buffer.
     */
    static SequenceCheck sequenceCheck(List<Long> reported, long opens) {
        List<Long> sorted = new ArrayList<>(reported);
        sorted.sort(null);
        List<Long> missing = new ArrayList<>();
        List<Long> duplicated = new ArrayList<>();
        long expected = 0;
        for (long seq : sorted) {
            if (seq < expected) {
                duplicated.add(seq);
                continue;
            }
            while (expected < seq && expected < opens) {
                missing.add(expected++);
            }
            expected = seq + 1;
        }
        while (expected < opens) {
            missing.add(expected++);
        }
        long beyond = sorted.stream().filter(seq -> seq >= opens).count();
        if (missing.isEmpty() && duplicated.isEmpty() && beyond == 0) {
            return new SequenceCheck(null, 0, 0, 0);
        }
        return new SequenceCheck(missing.size() + " of " + opens + " opens missing" + sample(missing) + ", "
                + duplicated.size() + " reported twice" + sample(duplicated) + ", " + beyond + " never made",
                missing.size(), duplicated.size(), beyond);
    }

    /** The outcome of {@link #sequenceCheck}: a description when anything is wrong, and the counts. */
    record SequenceCheck(String problem, long missing, long duplicated, long beyond) {
    }

    private static String sample(List<Long> sequences) {
        return sequences.isEmpty() ? "" : " (first: " + sequences.subList(0, Math.min(10, sequences.size())) + ")";
    }

    @Test
    void lossesAreReportedWhenThePerfBufferIsTooSmall() throws Exception {
        // one page per CPU holds a few dozen events: the load must overflow it
        checkLossesAreReported(List.of("--perf-buffer", "--perf-pages", "1"));
    }

    @Test
    void lossesAreReportedWhenTheRingIsTooSmall() throws Exception {
        // one page holds a few dozen events: the load must overflow it
        checkLossesAreReported(List.of("--ring-size", "4K"));
    }

    private void checkLossesAreReported(List<String> extra) throws Exception {
        Path target = Files.writeString(dir.resolve("tiny-" + UUID.randomUUID()), "x");
        long self = ProcessHandle.current().pid();
        List<String> args = new ArrayList<>(List.of("-p", Long.toString(self)));
        args.addAll(extra);
        Process snoop = startOpensnoop(args);
        long opens = openBackToBack(target, 2, 2_000);
        assertEquals(0, stop(snoop));
        long reported;
        try (var lines = Files.lines(stdout)) {
            reported = lines.filter(l -> l.endsWith(" " + target)).count();
        }
        String err = errText();
        Pattern summary = Pattern.compile("opensnoop: lost (\\d+) events in total");
        var matcher = summary.matcher(err);
        assertTrue(matcher.find(), "no loss summary on stderr:\n" + err);
        long lost = Long.parseLong(matcher.group(1));
        assertTrue(lost > 0 && reported < opens, "lost " + lost + ", reported " + reported + " of " + opens);
        // Nothing vanishes silently, even while the buffer overflows and wraps all the time: every
        // open is either printed or counted as lost. (The count covers every open of this process,
        // so it may also include an open the JVM made for itself: at least, not exactly.)
        assertTrue(reported + lost >= opens, "opens neither reported nor counted as lost: " + (opens - reported - lost)
                + " of " + opens + " (reported " + reported + ", lost " + lost + ")");
        System.out.printf("[opensnoop tiny buffer %s] %d opens, %d reported, %d reported lost%n", extra, opens,
                reported, lost);
    }

    @Test
    void sigtermDetachesEverything() throws Exception {
        Process snoop = startOpensnoop(List.of("-p", "1"));
        List<Integer> programs = programIds(snoop);
        assertTrue(programs.size() >= 4, "expected the entry and exit programs to be loaded, found " + programs);
        snoop.destroy(); // SIGTERM
        assertTrue(snoop.waitFor(START_TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals(0, snoop.exitValue(), this::errText);
        assertProgramsGone(programs);
    }

    @Test
    void badArgumentsExitWithStatusTwoAndSayWhy() throws Exception {
        Process snoop = new ProcessBuilder(javaCommand(), "-jar", jarPath(), "-p", "abc")
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        started.add(snoop);
        assertTrue(snoop.waitFor(START_TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals(2, snoop.exitValue());
        assertEquals("opensnoop: invalid PID 'abc' for -p/--pid: expected a whole number\n"
                + "Try 'opensnoop --help' for more information.\n", errText());
    }

    @Test
    void withoutPrivilegesExitsNonZeroAndSaysWhatIsNeeded() throws Exception {
        Path jarCopy = Files.copy(Path.of(jarPath()), Path.of(System.getProperty("java.io.tmpdir"),
                "opensnoop-" + UUID.randomUUID() + ".jar"));
        try {
            jarCopy.toFile().setReadable(true, false);
            Process snoop = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    javaCommand(), "-jar", jarCopy.toString(), "-d", "1")
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            started.add(snoop);
            assertTrue(snoop.waitFor(START_TIMEOUT_S, TimeUnit.SECONDS));
            assertEquals(1, snoop.exitValue(), this::errText);
            assertTrue(errText().contains("needs root, or CAP_BPF and CAP_PERFMON"), errText());
        } finally {
            Files.deleteIfExists(jarCopy);
        }
    }

    @Test
    void withoutTracefsExitsNonZeroAndSaysHowToMountIt() throws Exception {
        // tracefs unmounted in a private mount namespace of the tool's own: the machine keeps it
        Process snoop = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "umount -l /sys/kernel/tracing && exec \"$0\" -jar \"$1\" -d 1", javaCommand(), jarPath())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        started.add(snoop);
        assertTrue(snoop.waitFor(START_TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals(1, snoop.exitValue(), this::errText);
        assertEquals("opensnoop: cannot start tracing: tracefs is not mounted at /sys/kernel/tracing, so there is"
                + " no open() tracepoint to attach to; mount it (as root) with:"
                + " mount -t tracefs tracefs /sys/kernel/tracing\n", errText());
        assertEquals("", Files.readString(stdout), "no header: nothing is traced");
    }

    @Test
    void withTracefsUnreadableExitsNonZeroAndSaysPermissionDenied() throws Exception {
        // CAP_BPF and CAP_PERFMON, but not root: tracefs (mode 0700) cannot be read
        Path jarCopy = readableJarCopy();
        try {
            Process snoop = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    "--inh-caps=+bpf,+perfmon", "--ambient-caps=+bpf,+perfmon",
                    javaCommand(), "-jar", jarCopy.toString(), "-d", "1")
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            started.add(snoop);
            assertTrue(snoop.waitFor(START_TIMEOUT_S, TimeUnit.SECONDS));
            assertEquals(1, snoop.exitValue(), this::errText);
            assertTrue(errText().startsWith("opensnoop: cannot start tracing: cannot read /sys/kernel/tracing"
                    + " (permission denied): "), errText());
            assertTrue(errText().contains("run opensnoop as root"), errText());
            assertEquals("", Files.readString(stdout), "no header: nothing is traced");
        } finally {
            Files.deleteIfExists(jarCopy);
        }
    }

    @Test
    void sigintStopsItEvenWhenStartedWithSigintIgnored() throws Exception {
        // what a background job of a non-interactive script inherits; exec keeps the pid
        Process snoop = startAndAwaitHeader(List.of("sh", "-c", "trap '' INT; exec \"$0\" -jar \"$1\" -p 1",
                javaCommand(), jarPath()));
        List<Integer> programs = programIds(snoop);
        assertTrue(programs.size() >= 4, "expected the entry and exit programs to be loaded, found " + programs);
        String sigIgn = Files.readAllLines(Path.of("/proc", Long.toString(snoop.pid()), "status")).stream()
                .filter(l -> l.startsWith("SigIgn:")).findFirst().orElseThrow();
        assertTrue((Long.parseLong(sigIgn.substring(7).trim(), 16) & 2) == 0,
                "SIGINT still ignored after start: " + sigIgn);
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(snoop.pid())).start();
        assertEquals(0, kill.waitFor());
        assertTrue(snoop.waitFor(START_TIMEOUT_S, TimeUnit.SECONDS), "opensnoop ignored SIGINT");
        assertEquals(0, snoop.exitValue(), this::errText);
        assertEquals("", errText());
        assertProgramsGone(programs);
    }

    // ------------------------------------------------------------------ helpers

    /** A copy of the jar that any user can read, for runs under another uid. */
    private static Path readableJarCopy() throws IOException {
        Path jarCopy = Files.copy(Path.of(jarPath()), Path.of(System.getProperty("java.io.tmpdir"),
                "opensnoop-" + UUID.randomUUID() + ".jar"));
        jarCopy.toFile().setReadable(true, false);
        return jarCopy;
    }

    private static String jarPath() {
        return System.getProperty("example.jar", "target/opensnoop.jar");
    }

    private Process startOpensnoop(List<String> args) throws IOException, InterruptedException {
        String jar = jarPath();
        assertTrue(Files.isRegularFile(Path.of(jar)), "missing " + jar + ": run mvn verify, which packages it first");
        List<String> command = new ArrayList<>(List.of(javaCommand(), "-jar", jar));
        command.addAll(args);
        return startAndAwaitHeader(command);
    }

    /** Starts a command that runs opensnoop and waits until it has attached (printed its header). */
    private Process startAndAwaitHeader(List<String> command) throws IOException, InterruptedException {
        Process snoop = new ProcessBuilder(command)
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        started.add(snoop);
        // the header is written after the programs are attached
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_S);
        while (System.nanoTime() < deadline) {
            if (Files.size(stdout) > 0 && Files.readString(stdout).contains("PATH\n")) {
                return snoop;
            }
            if (!snoop.isAlive()) {
                fail("opensnoop exited with " + snoop.exitValue() + " before attaching:\n" + errText());
            }
            Thread.sleep(50);
        }
        fail("opensnoop did not print its header within " + START_TIMEOUT_S + " s:\n" + errText());
        return snoop;
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** A shell that waits for one line on stdin before running the script, so its pid is known first. */
    private Process shell(String script) throws IOException {
        return shell(List.of("sh", "-c", "read go; " + script));
    }

    private Process shell(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        started.add(process);
        return process;
    }

    private static void release(Process child) throws IOException, InterruptedException {
        try (OutputStream in = child.getOutputStream()) {
            in.write("go\n".getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(child.waitFor(EVENT_TIMEOUT_S, TimeUnit.SECONDS), "child did not finish");
    }

    private String awaitLine(Process snoop, Predicate<String> wanted) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(EVENT_TIMEOUT_S);
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(stdout)) {
                if (wanted.test(line)) {
                    return line;
                }
            }
            if (!snoop.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        fail("expected line not printed; output:\n" + Files.readString(stdout) + "\nstderr:\n" + errText());
        return null;
    }

    /** Sends SIGTERM, waits, checks the programs are gone, returns the exit status. */
    private int stop(Process snoop) throws Exception {
        List<Integer> programs = programIds(snoop);
        snoop.destroy();
        assertTrue(snoop.waitFor(START_TIMEOUT_S, TimeUnit.SECONDS), "opensnoop ignored SIGTERM");
        assertProgramsGone(programs);
        return snoop.exitValue();
    }

    @SuppressWarnings("try") // the open is the point; the stream is only closed
    private long openBackToBack(Path target, int threads, long millis) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong opens = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread worker = new Thread(() -> {
                long mine = 0;
                while (!stop.get()) {
                    try (InputStream in = new FileInputStream(target.toFile())) {
                        mine++;
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
                opens.addAndGet(mine);
            });
            worker.start();
            workers.add(worker);
        }
        Thread.sleep(millis);
        stop.set(true);
        for (Thread worker : workers) {
            worker.join();
        }
        return opens.get();
    }

    /**
     * Each thread opens {@code prefix + THREAD + "-" + SEQUENCE} for SEQUENCE = 0, 1, 2, ... until
     * the time is up; none of these exist.
     *
     * @return the number of opens of each thread
     */
    private static long[] openUniqueBackToBack(String prefix, int threads, long millis) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        long[] opens = new long[threads];
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < threads; i++) {
            int thread = i;
            Thread worker = new Thread(() -> {
                long sequence = 0;
                String mine = prefix + thread + "-";
                try {
                    while (!stop.get()) {
                        String name = mine + sequence;
                        try (InputStream in = new FileInputStream(name)) {
                            throw new IllegalStateException(name + " exists: expected every name to be new, got "
                                    + in.available() + " bytes");
                        } catch (FileNotFoundException expected) {
                            sequence++;
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    failures.add(e);
                }
                opens[thread] = sequence;
            }, "opener-" + thread);
            worker.start();
            workers.add(worker);
        }
        Thread.sleep(millis);
        stop.set(true);
        for (Thread worker : workers) {
            worker.join();
        }
        assertTrue(failures.isEmpty(), () -> "opener failed: " + failures);
        return opens;
    }

    /** The ids of the BPF programs the process holds, from its fdinfo. */
    private static List<Integer> programIds(Process process) throws IOException {
        List<Integer> ids = new ArrayList<>();
        Path fds = Path.of("/proc", Long.toString(process.pid()), "fdinfo");
        try (var entries = Files.list(fds)) {
            for (Path fdinfo : entries.toList()) {
                try {
                    for (String line : Files.readAllLines(fdinfo)) {
                        if (line.startsWith("prog_id:")) {
                            int id = Integer.parseInt(line.substring("prog_id:".length()).trim());
                            if (!ids.contains(id)) {
                                ids.add(id);
                            }
                        }
                    }
                } catch (IOException e) {
                    // the fd closed while we looked
                }
            }
        }
        return ids;
    }

    /** Programs are freed after their last reference goes, which the kernel may do a little later. */
    private static void assertProgramsGone(List<Integer> ids) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(EVENT_TIMEOUT_S);
        List<Integer> remaining = new ArrayList<>(ids);
        while (!remaining.isEmpty() && System.nanoTime() < deadline) {
            remaining.removeIf(id -> !programExists(id));
            if (!remaining.isEmpty()) {
                Thread.sleep(100);
            }
        }
        assertTrue(remaining.isEmpty(), "BPF programs still loaded after opensnoop exited: " + remaining);
    }

    private static boolean programExists(int id) {
        try {
            Process show = new ProcessBuilder("bpftool", "prog", "show", "id", Integer.toString(id))
                    .redirectErrorStream(true).start();
            show.getInputStream().readAllBytes();
            return show.waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot run bpftool", e);
        }
    }

    private String errText() {
        try {
            return Files.exists(stderr) ? Files.readString(stderr) : "";
        } catch (IOException e) {
            return "(cannot read " + stderr + ": " + e + ")";
        }
    }
}
