package dev.bpfj.toolchain.vmlinux;

import dev.bpfj.toolchain.btf.Btf;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Shared by the vmlinux tests that run clang and bpftool. */
final class VmlinuxTestSupport {

    static final Path KERNEL_BTF = Path.of("/sys/kernel/btf/vmlinux");
    static final Path FIXTURES = Path.of("src/test/bpf/vmlinux");

    private static Btf kernelBtf;
    private static VmlinuxHeader kernelHeader;

    private VmlinuxTestSupport() {
    }

    /** The output of a finished command. */
    record Outcome(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs a command in {@code dir}, stdout and stderr together. */
    static Outcome run(Path dir, List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out;
        try (InputStream in = process.getInputStream()) {
            out = in.readAllBytes();
        }
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        return new Outcome(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** clang for BPF over one C file in {@code dir}, syntax only, every diagnostic reported. */
    static Outcome clangCheck(Path dir, String file, String... extra) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("clang", "-target", "bpf", "-fsyntax-only", "-Wall",
                "-ferror-limit=0", "-D__TARGET_ARCH_x86", "-I/usr/include/x86_64-linux-gnu"));
        command.addAll(List.of(extra));
        command.add(file);
        return run(dir, command);
    }

    /** A fresh directory below this build's output folder. */
    static Path workDir(String name) throws IOException {
        try {
            Path testClasses = Path.of(VmlinuxTestSupport.class.getProtectionDomain().getCodeSource().getLocation()
                    .toURI());
            Path dir = testClasses.getParent().resolve("vmlinux-tests").resolve(name);
            Files.createDirectories(dir);
            return dir;
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    /** This machine's kernel BTF, read once per test run. */
    static synchronized Btf kernelBtf() throws Exception {
        if (kernelBtf == null) {
            kernelBtf = Btf.read(KERNEL_BTF);
        }
        return kernelBtf;
    }

    /** The full header of this machine's kernel, written once per test run. */
    static synchronized VmlinuxHeader kernelHeader() throws Exception {
        if (kernelHeader == null) {
            kernelHeader = VmlinuxHeaderWriter.of(kernelBtf()).write();
        }
        return kernelHeader;
    }

    /** Copies a fixture next to a header named vmlinux.h, in a fresh directory. */
    static Path withHeader(String name, String fixture, String header) throws IOException {
        Path dir = workDir(name);
        Files.writeString(dir.resolve("vmlinux.h"), header);
        Files.copy(FIXTURES.resolve(fixture), dir.resolve(fixture), StandardCopyOption.REPLACE_EXISTING);
        return dir;
    }
}
