package dev.bpfj.runtime.internal.verify;

import dev.bpfj.runtime.BpfException;
import dev.bpfj.runtime.BpfObject;
import dev.bpfj.runtime.BpfProgram;
import dev.bpfj.runtime.GlobalData;
import dev.bpfj.runtime.OpenOptions;
import dev.bpfj.runtime.VerifierException;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.Properties;

/**
 * Loads BPF objects into the kernel without attaching them and reports, per object, whether the
 * verifier accepted every program. Started by {@code bpf:verify} as
 * {@code java --enable-native-access=ALL-UNNAMED -cp bpf-runtime.jar dev.bpfj.runtime.internal.verify.VerifyMain REQUEST RESULT}.
 *
 * <p>The request is a properties file: {@code count}, and per object {@code i}: {@code i.file},
 * {@code i.maxEntries.<map>=<n>}, {@code i.keySize.<map>=<bytes>}, {@code i.valueSize.<map>=<bytes>},
 * {@code i.global.<section>.<offset>=<hex bytes>} (initial values of globals, like rodata settings), {@code i.skip.<program>=true} (not loaded). The result,
 * also properties: {@code i.status} ({@code ok}, {@code rejected} by the verifier, or
 * {@code failed} otherwise), {@code i.program}, {@code i.errno}, {@code i.message}, {@code i.log}
 * and {@code i.programs} (the programs loaded). Exit status 0 when every object was tried, 2 for
 * a bad request.
 */
public final class VerifyMain {

    private VerifyMain() {
    }

    /**
     * Runs a request.
     *
     * @param args the request file and the result file
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: VerifyMain REQUEST.properties RESULT.properties");
            System.exit(2);
        }
        Properties request = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
            request.load(in);
        }
        Properties result = new Properties();
        int count = Integer.parseInt(request.getProperty("count", "0"));
        for (int i = 0; i < count; i++) {
            verify(request, i, result);
        }
        try (Writer out = Files.newBufferedWriter(Path.of(args[1]), StandardCharsets.UTF_8)) {
            result.store(out, "bpf:verify result");
        }
    }

    private static void verify(Properties request, int index, Properties result) {
        String prefix = index + ".";
        // libbpf stops at the first program the verifier rejects; loading again without it finds
        // the next, so one build reports every rejected program of the object.
        Set<String> rejected = new LinkedHashSet<>();
        StringBuilder programs = new StringBuilder();
        StringBuilder logs = new StringBuilder();
        StringBuilder errnos = new StringBuilder();
        while (true) {
            Outcome outcome = load(request, prefix, rejected);
            // A rejection libbpf did not attribute ("?") cannot be left out: report it as it is.
            if (outcome instanceof Rejected r && !r.program.equals("?") && !rejected.contains(r.program)
                    && rejected.size() < MAX_REJECTIONS) {
                rejected.add(r.program);
                programs.append(programs.isEmpty() ? "" : ",").append(r.program);
                errnos.append(errnos.isEmpty() ? "" : ",").append(r.errno);
                logs.append(logs.isEmpty() ? "" : LOG_SEPARATOR).append(r.log);
                continue;
            }
            if (!rejected.isEmpty()) {
                result.setProperty(prefix + "status", "rejected");
                result.setProperty(prefix + "program", programs.toString());
                result.setProperty(prefix + "errno", errnos.toString());
                result.setProperty(prefix + "log", logs.toString());
                if (outcome instanceof Failed f) {
                    result.setProperty(prefix + "message", f.message);
                }
            } else if (outcome instanceof Loaded l) {
                result.setProperty(prefix + "status", "ok");
                result.setProperty(prefix + "programs", l.programs);
            } else if (outcome instanceof Failed f) {
                result.setProperty(prefix + "status", "failed");
                result.setProperty(prefix + "errno", f.errno);
                result.setProperty(prefix + "message", f.message);
            } else if (outcome instanceof Rejected r) {
                result.setProperty(prefix + "status", "rejected");
                result.setProperty(prefix + "program", r.program);
                result.setProperty(prefix + "errno", r.errno);
                result.setProperty(prefix + "log", r.log);
            }
            return;
        }
    }

    /** Between the logs of several rejected programs of one object. */
    public static final String LOG_SEPARATOR = "\n@@bpfj-next-rejected-program@@\n";
    private static final int MAX_REJECTIONS = 32;

    private sealed interface Outcome permits Loaded, Rejected, Failed {
    }

    private record Loaded(String programs) implements Outcome {
    }

    private record Rejected(String program, String errno, String log) implements Outcome {
    }

    private record Failed(String errno, String message) implements Outcome {
    }

    private static Outcome load(Properties request, String prefix, Set<String> without) {
        Path file = Path.of(request.getProperty(prefix + "file"));
        String name = file.getFileName().toString().replaceFirst("(\\.bpf)?\\.o$", "");
        try (BpfObject object = BpfObject.open(file, OpenOptions.defaults().withObjectName(name))) {
            for (String key : request.stringPropertyNames()) {
                if (!key.startsWith(prefix)) {
                    continue;
                }
                String[] parts = key.substring(prefix.length()).split("\\.", 2);
                String value = request.getProperty(key);
                switch (parts[0]) {
                    case "maxEntries" -> object.map(parts[1]).maxEntries(Integer.parseInt(value));
                    case "keySize" -> object.map(parts[1]).keySize(Integer.parseInt(value));
                    case "valueSize" -> object.map(parts[1]).valueSize(Integer.parseInt(value));
                    case "skip" -> object.program(parts[1]).autoload(false);
                    case "attachTarget" -> attachTarget(object.program(parts[1]), value);
                    case "global" -> {
                        int dot = parts[1].lastIndexOf('.');
                        GlobalData data = object.globalData(parts[1].substring(0, dot));
                        long offset = Long.parseLong(parts[1].substring(dot + 1));
                        byte[] bytes = HexFormat.of().parseHex(value);
                        for (int b = 0; b < bytes.length; b++) {
                            data.setByte(offset + b, bytes[b]);
                        }
                    }
                    default -> { }
                }
            }
            for (String program : without) {
                object.program(program).autoload(false);
            }
            object.load();
            StringBuilder loaded = new StringBuilder();
            for (BpfProgram program : object.programs()) {
                if (program.autoload()) {
                    loaded.append(loaded.isEmpty() ? "" : ",").append(program.name());
                }
            }
            return new Loaded(loaded.toString());
        } catch (VerifierException e) {
            return new Rejected(e.program() == null ? "?" : e.program(), String.valueOf(e.errnoName()), e.log());
        } catch (BpfException | IllegalArgumentException | IllegalStateException e) {
            return new Failed(e instanceof BpfException b && b.errnoName() != null ? b.errnoName() : "", e.getMessage());
        }
    }

    /** Sets the function an fentry/fexit/freplace/tp_btf program attaches to, before load. */
    private static void attachTarget(BpfProgram program, String function) {
        program.attachTarget(function);
    }
}
