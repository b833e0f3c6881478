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
import java.util.Properties;

/**
 * Loads BPF objects into the kernel without attaching them and reports, per object, whether the
 * verifier accepted every program. Started by {@code bpf:verify} as
 * {@code java --enable-native-access=ALL-UNNAMED -cp bpf-runtime.jar dev.bpfj.runtime.internal.verify.VerifyMain REQUEST RESULT}.
 *
 * <p>The request is a properties file: {@code count}, and per object {@code i}: {@code i.file},
 * {@code i.maxEntries.<map>=<n>}, {@code i.global.<section>.<offset>=<hex bytes>} (initial values
 * of globals, like rodata settings), {@code i.skip.<program>=true} (not loaded). The result,
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
                    case "skip" -> object.program(parts[1]).autoload(false);
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
            object.load();
            StringBuilder loaded = new StringBuilder();
            for (BpfProgram program : object.programs()) {
                if (program.autoload()) {
                    loaded.append(loaded.isEmpty() ? "" : ",").append(program.name());
                }
            }
            result.setProperty(prefix + "status", "ok");
            result.setProperty(prefix + "programs", loaded.toString());
        } catch (VerifierException e) {
            result.setProperty(prefix + "status", "rejected");
            result.setProperty(prefix + "program", e.program() == null ? "?" : e.program());
            result.setProperty(prefix + "errno", String.valueOf(e.errnoName()));
            result.setProperty(prefix + "message", e.getMessage());
            result.setProperty(prefix + "log", e.log());
        } catch (BpfException | IllegalArgumentException | IllegalStateException e) {
            result.setProperty(prefix + "status", "failed");
            result.setProperty(prefix + "errno", e instanceof BpfException b && b.errnoName() != null ? b.errnoName() : "");
            result.setProperty(prefix + "message", e.getMessage());
        }
    }
}
