package dev.bpfj.maven;

import dev.bpfj.toolchain.clang.BpfCompiler;
import dev.bpfj.toolchain.clang.CompileRequest;
import dev.bpfj.toolchain.clang.CompileResult;
import dev.bpfj.toolchain.clang.ObjectChecker;
import dev.bpfj.toolchain.validate.BpfObjectValidator;
import dev.bpfj.toolchain.validate.Problem;
import dev.bpfj.toolchain.vmlinux.KernelBtfHeaderProvider;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Compiles {@code src/main/bpf/**}{@code /*.bpf.c} with clang into validated BPF objects in
 * {@code target/bpf}. Only sources whose inputs (the source, every header it includes, the
 * flags, the clang) changed since the last build are compiled; each object is checked for what
 * the kernel would reject at load time before it replaces the previous one.
 */
@Mojo(name = "compile", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public final class CompileMojo extends AbstractBpfMojo {

    /** Where the BPF C sources are: every {@code *.bpf.c} below it is compiled. */
    @Parameter(property = "bpf.sourceDirectory", defaultValue = "${project.basedir}/src/main/bpf")
    private File sourceDirectory;

    /** Where the objects go, in the same relative layout as the sources ({@code x.bpf.c} -> {@code x.bpf.o}). */
    @Parameter(property = "bpf.outputDirectory", defaultValue = "${project.build.directory}/bpf")
    private File outputDirectory;

    /**
     * The clang to use. Default: {@code clang} on the {@code PATH}, else the newest
     * {@code clang-NN} on the {@code PATH}. Must be clang 12 or newer with the BPF backend.
     */
    @Parameter(property = "bpf.clang")
    private File clang;

    /**
     * Extra clang flags, added after the plugin's own ({@code -g -O2 -target bpf -Wall ...}) so
     * they can override them. On the command line: {@code -Dbpf.cflags=-DDEBUG,-Wextra}.
     * Default: none.
     */
    @Parameter(property = "bpf.cflags")
    private List<String> cflags;

    /**
     * Extra include directories, searched after the source directory and before the system's
     * libbpf headers. Default: none.
     */
    @Parameter(property = "bpf.includes")
    private List<File> includes;

    /**
     * The clang target: {@code bpf} (the build machine's byte order), {@code bpfel} (little
     * endian) or {@code bpfeb} (big endian).
     */
    @Parameter(property = "bpf.target", defaultValue = "bpf")
    private String target;

    /**
     * The architecture ARCH of libbpf's {@code __TARGET_ARCH_ARCH} macro ({@code x86},
     * {@code arm64}, {@code s390}, {@code powerpc}, {@code riscv}, ...), which
     * {@code bpf_tracing.h} needs to read function arguments from {@code pt_regs}.
     * Default: derived from the build machine ({@code amd64} -> {@code x86},
     * {@code aarch64} -> {@code arm64}, ...).
     */
    @Parameter(property = "bpf.arch")
    private String arch;

    /**
     * Removes DWARF debug sections from the objects; {@code .BTF} and {@code .BTF.ext} stay, so
     * CO-RE and skeletons keep working and the shipped object is several times smaller.
     */
    @Parameter(property = "bpf.strip", defaultValue = "true")
    private boolean strip;

    /** Fails the build on validation warnings (an unused map, a function without a program section). */
    @Parameter(property = "bpf.failOnWarning", defaultValue = "false")
    private boolean failOnWarning;

    /**
     * A {@code vmlinux.h} (any file name) used when a source includes {@code vmlinux.h} and none is
     * on the include path. Default: none (the build then says how to generate one).
     */
    @Parameter(property = "bpf.vmlinuxHeader")
    private File vmlinuxHeader;

    /**
     * The kernel BTF that {@code vmlinux.h} is generated from when a source includes it and
     * neither the include path nor {@code bpf.vmlinuxHeader} provides one. Default: the running
     * kernel's {@code /sys/kernel/btf/vmlinux}. Generated once per BTF into {@code target/bpf/include}.
     */
    @Parameter(property = "bpf.btfFile")
    private File btfFile;

    /**
     * Where headers generated from kernel BTF are kept between builds, named by the checksums of
     * the BTF: a header is generated once per kernel and copied from here by later builds of any
     * project, clean ones included. Default: {@code $XDG_CACHE_HOME/bpfj/vmlinux}, or
     * {@code ~/.cache/bpfj/vmlinux}; {@code none} for no cache. A cache that cannot be written is
     * skipped.
     */
    @Parameter(property = "bpf.vmlinuxCache")
    private String vmlinuxCache;

    /** The project's root, mapped to {@code .} in debug info so objects are reproducible. */
    @Parameter(defaultValue = "${project.basedir}", readonly = true, required = true)
    private File basedir;

    /** Creates the Mojo; Maven sets the parameters. */
    public CompileMojo() {
    }

    @Override
    protected String goal() {
        return "bpf:compile";
    }

    @Override
    protected ToolchainWork work() {
        CompileRequest request = CompileRequest.builder(sourceDirectory.toPath(), outputDirectory.toPath())
                .projectDirectory(basedir.toPath())
                .clang(clang == null ? null : clang.toPath())
                .cflags(list(cflags))
                .includes(paths(list(includes)))
                .target(target)
                .arch(arch)
                .strip(strip)
                .failOnWarning(failOnWarning)
                .vmlinuxHeader(vmlinuxHeader == null ? null : vmlinuxHeader.toPath())
                .vmlinuxGenerator(KernelBtfHeaderProvider.of(btfFile == null ? null : btfFile.toPath(),
                        vmlinuxCache(vmlinuxCache)))
                .build();
        return () -> {
            CompileResult result = new BpfCompiler(buildLog(), new Validator()).compile(request);
            if (result.compiledCount() > 0) {
                getLog().info("Compiled and validated " + result.compiledCount() + " BPF object(s) into "
                        + outputDirectory);
            }
        };
    }

    private static List<Path> paths(List<File> files) {
        List<Path> paths = new ArrayList<>(files.size());
        for (File file : files) {
            paths.add(file.toPath());
        }
        return paths;
    }

    /**
     * Validates each compiled object. A class rather than a method reference so that a no-op
     * build, which validates nothing, does not load the validator.
     */
    private static final class Validator implements ObjectChecker {
        @Override
        public List<Problem> check(Path object, String sourceName) throws IOException {
            return BpfObjectValidator.validate(object, sourceName);
        }
    }
}
