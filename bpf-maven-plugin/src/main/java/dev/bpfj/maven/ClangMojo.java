package dev.bpfj.maven;

import dev.bpfj.toolchain.clang.Clang;
import dev.bpfj.toolchain.clang.ClangLocator;
import dev.bpfj.toolchain.clang.ClangSelector;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Says which clang {@code bpf:compile} would use, with the same {@code bpf.clang} settings, and
 * unpacks the pinned clang when that is the one chosen: {@code mvn bpf:clang -Dbpf.clang=maven}
 * prepares a pinned clang ahead of an offline build, and scripts can read its path from
 * {@code bpf.clangOutput}.
 */
@Mojo(name = "clang", requiresProject = false, threadSafe = true)
public final class ClangMojo extends AbstractClangMojo {

    /** A file to write the chosen clang's path into (one line), for scripts. Default: none. */
    @Parameter(property = "bpf.clangOutput")
    private File output;

    /** Relative clang paths are resolved against this directory. */
    @Parameter(defaultValue = "${basedir}", readonly = true, required = true)
    private File basedir;

    /** Creates the Mojo; Maven sets the parameters. */
    public ClangMojo() {
    }

    @Override
    protected String goal() {
        return "bpf:clang";
    }

    @Override
    protected ToolchainWork work() {
        return () -> {
            Clang clang = new ClangSelector(ClangLocator.fromEnvironment(), buildLog()).select(
                    Optional.ofNullable(configuredClang(basedir)), clangPolicy(), ClangLocator::probe);
            getLog().info("clang " + clang.version() + ": " + clang.executable() + " (" + clang.versionText() + ")"
                    + clang.llvmStrip().map(strip -> ", llvm-strip " + strip).orElse(", no llvm-strip"));
            if (output != null) {
                File parent = output.getAbsoluteFile().getParentFile();
                if (parent != null) {
                    Files.createDirectories(parent.toPath());
                }
                Files.writeString(output.toPath(), clang.executable() + "\n", StandardCharsets.UTF_8);
            }
        };
    }
}
