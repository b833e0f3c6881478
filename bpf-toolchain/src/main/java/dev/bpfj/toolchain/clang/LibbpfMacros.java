package dev.bpfj.toolchain.clang;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why clang failed on a line that calls a libbpf macro the installed libbpf headers do not
 * define: {@code int BPF_URETPROBE(printret, const void *ret)} gives clang's bare "expected
 * identifier" with headers older than the source (BPF_UPROBE and BPF_URETPROBE are not in libbpf
 * 1.1's {@code bpf_tracing.h}). Only libbpf's macro families are looked at, and only on lines
 * clang reported an error on, so a macro from elsewhere ({@code BPF_STMT} in linux/filter.h) is
 * never named.
 */
final class LibbpfMacros {

    private static final Pattern CALL = Pattern.compile("\\b(BPF_[A-Z0-9_]+)\\s*\\(");
    private static final String[] FAMILIES = {"BPF_KPROBE", "BPF_KRETPROBE", "BPF_UPROBE", "BPF_URETPROBE",
        "BPF_KSYSCALL", "BPF_USDT", "BPF_PROG", "BPF_SEQ_PRINTF", "BPF_SNPRINTF", "BPF_PRINTK", "BPF_CORE_READ",
        "BPF_PROBE_READ"};
    private static final Pattern VERSION = Pattern.compile("#define\\s+LIBBPF_(MAJOR|MINOR)_VERSION\\s+(\\d+)");

    private LibbpfMacros() {
    }

    /**
     * The explanation for an error clang reported at {@code file:line}, when that line calls a
     * libbpf macro that no {@code bpf/*.h} in {@code includeDirs} defines; empty otherwise.
     *
     * @param file        the file clang named
     * @param line        the line it named (1-based)
     * @param includeDirs the directories clang searched, in order
     */
    static Optional<String> undefinedOnLine(Path file, int line, List<Path> includeDirs) throws IOException {
        if (line <= 0 || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (line > lines.size()) {
            return Optional.empty();
        }
        Matcher call = CALL.matcher(lines.get(line - 1));
        while (call.find()) {
            String macro = call.group(1);
            if (!inFamily(macro)) {
                continue;
            }
            Path headers = null;
            for (Path dir : includeDirs) {
                if (Files.isRegularFile(dir.resolve("bpf/bpf_helpers.h"))) {
                    headers = dir.resolve("bpf");
                    break;
                }
            }
            if (headers == null || defines(headers, macro)) {
                continue;
            }
            return Optional.of(macro + " is not defined by the libbpf headers clang read (" + headers + version(headers)
                    + "): the source was written for newer libbpf headers, or the name is misspelled. Fix: put a newer"
                    + " libbpf's headers (as bpf/*.h) in a directory listed in <includes>, which clang searches first,"
                    + " or install a newer libbpf-dev");
        }
        return Optional.empty();
    }

    private static boolean inFamily(String macro) {
        for (String family : FAMILIES) {
            if (macro.startsWith(family)) {
                return true;
            }
        }
        return false;
    }

    /** Whether any header in the directory has {@code #define MACRO}. */
    private static boolean defines(Path headers, String macro) throws IOException {
        Pattern define = Pattern.compile("#\\s*define\\s+" + macro + "\\b");
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> list = Files.newDirectoryStream(headers, "*.h")) {
            for (Path header : list) {
                files.add(header);
            }
        }
        for (Path header : files) {
            if (define.matcher(Files.readString(header, StandardCharsets.ISO_8859_1)).find()) {
                return true;
            }
        }
        return false;
    }

    /** ", libbpf 1.1" from the directory's libbpf_version.h, or nothing. */
    private static String version(Path headers) throws IOException {
        Path file = headers.resolve("libbpf_version.h");
        if (!Files.isRegularFile(file)) {
            return "";
        }
        String major = null;
        String minor = null;
        Matcher matcher = VERSION.matcher(Files.readString(file, StandardCharsets.ISO_8859_1));
        while (matcher.find()) {
            if (matcher.group(1).equals("MAJOR")) {
                major = matcher.group(2);
            } else {
                minor = matcher.group(2);
            }
        }
        return major == null || minor == null ? "" : ", libbpf " + major + "." + minor;
    }
}
