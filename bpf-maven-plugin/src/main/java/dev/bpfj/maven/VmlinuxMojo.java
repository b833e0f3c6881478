package dev.bpfj.maven;

import dev.bpfj.toolchain.vmlinux.VmlinuxGenerator;
import dev.bpfj.toolchain.vmlinux.VmlinuxRequest;
import java.io.File;
import java.util.List;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Writes {@code vmlinux.h}, the C header of the kernel's types, from kernel BTF: the plugin's
 * own {@code bpftool btf dump file /sys/kernel/btf/vmlinux format c}. {@code bpf:compile} already
 * generates one into {@code target/} when a source needs it; this goal is for a header that is
 * checked in, usually a small one restricted to the types the programs use
 * ({@code -Dbpf.vmlinux.types=task_struct,mm_struct}). Nothing is rewritten when the BTF and the
 * type list are unchanged.
 */
@Mojo(name = "vmlinux", threadSafe = true)
public final class VmlinuxMojo extends AbstractBpfMojo {

    /** The BTF to read: the running kernel's by default, or a file saved from the kernel you target. */
    @Parameter(property = "bpf.btfFile", defaultValue = "/sys/kernel/btf/vmlinux")
    private File btfFile;

    /**
     * Where to write the header. Default: next to the BPF sources, where {@code bpf:compile}
     * finds it first and where it can be checked in.
     */
    @Parameter(property = "bpf.vmlinuxOutput", defaultValue = "${project.basedir}/src/main/bpf/vmlinux.h")
    private File output;

    /**
     * Only these types and what they need (definitions used by value, typedefs, enums); structs
     * they merely point to are declared, not defined. Names like {@code task_struct}, or
     * {@code struct sk_buff}, {@code enum bpf_func_id}, {@code typedef u32}. Default: every type.
     */
    @Parameter(property = "bpf.vmlinux.types")
    private List<String> types;

    /**
     * Where headers of every type are kept between builds, named by the checksums of
     * the BTF: a header is generated once per kernel and copied from here by later builds of any
     * project, clean ones included. Default: {@code $XDG_CACHE_HOME/bpfj/vmlinux}, or
     * {@code ~/.cache/bpfj/vmlinux}; {@code none} for no cache. A cache that cannot be written is
     * skipped.
     */
    @Parameter(property = "bpf.vmlinuxCache")
    private String vmlinuxCache;

    /** Creates the Mojo; Maven sets the parameters. */
    public VmlinuxMojo() {
    }

    @Override
    protected String goal() {
        return "bpf:vmlinux";
    }

    @Override
    protected ToolchainWork work() {
        VmlinuxRequest request = new VmlinuxRequest(btfFile.toPath(), output.toPath(), list(types),
                vmlinuxCache(vmlinuxCache));
        return () -> new VmlinuxGenerator(buildLog()).generate(request);
    }
}
