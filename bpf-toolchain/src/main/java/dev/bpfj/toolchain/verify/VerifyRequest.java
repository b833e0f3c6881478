package dev.bpfj.toolchain.verify;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@code bpf:verify} should check, built by the Mojo from its parameters.
 *
 * @param objectDirectory where the build put its objects; every {@code *.bpf.o} below it is loaded
 * @param sourceRoots     where the C sources are, to annotate verifier logs
 * @param maxEntries      map name to max_entries, applied to every object that has the map
 * @param keySizes        map name to key size in bytes, for maps whose definition leaves it to the
 *                        application, applied like maxEntries
 * @param valueSizes      map name to value size in bytes (bcc's stack maps: the stack depth times
 *                        8), applied like maxEntries
 * @param rodata          read-only global ({@code const volatile}) name to value (decimal,
 *                        {@code 0x} hex, {@code true}/{@code false}), applied before load to every
 *                        object that has it
 * @param skipPrograms    programs not to load (for example ones that need an attach target given
 *                        at run time)
 * @param attachTargets   program name to the kernel function (or tracepoint) an fentry, fexit,
 *                        freplace or tp_btf program without one in its section attaches to
 * @param minimumKernels  object file name ({@code x.bpf.o}) to the oldest kernel it loads on; on
 *                        an older kernel the object is skipped with a note
 * @param required        whether a machine that cannot load programs fails the build
 * @param requiredBecause why it is required (for the message), like {@code CI=true}
 * @param java            the {@code java} executable (22 or newer) that does the loading
 * @param runtimeJar      the bpf-runtime jar
 * @param workDirectory   where to write the request and result files
 */
public record VerifyRequest(Path objectDirectory, List<Path> sourceRoots, Map<String, Integer> maxEntries,
        Map<String, Integer> keySizes, Map<String, Integer> valueSizes, Map<String, String> rodata, List<String> skipPrograms, Map<String, String> attachTargets,
        Map<String, String> minimumKernels, boolean required,
        String requiredBecause, Path java, Path runtimeJar, Path workDirectory) {

    /** Copies the collections. */
    public VerifyRequest {
        sourceRoots = List.copyOf(sourceRoots);
        maxEntries = Map.copyOf(maxEntries);
        keySizes = Map.copyOf(keySizes);
        valueSizes = Map.copyOf(valueSizes);
        rodata = Map.copyOf(rodata);
        skipPrograms = List.copyOf(skipPrograms);
        attachTargets = Map.copyOf(attachTargets);
        minimumKernels = Map.copyOf(minimumKernels);
    }
}
