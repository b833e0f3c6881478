package dev.bpfj.toolchain.fuzz;

import dev.bpfj.toolchain.BpfFormatException;
import dev.bpfj.toolchain.btf.Btf;
import dev.bpfj.toolchain.btf.BtfExt;
import dev.bpfj.toolchain.btf.BtfType;
import dev.bpfj.toolchain.clang.BpfBuildException;
import dev.bpfj.toolchain.clang.BuildLog;
import dev.bpfj.toolchain.elf.ElfFile;
import dev.bpfj.toolchain.elf.ElfSection;
import dev.bpfj.toolchain.object.BpfObjectSpec;
import dev.bpfj.toolchain.object.GlobalSection;
import dev.bpfj.toolchain.skeleton.SkeletonGenerator;
import dev.bpfj.toolchain.validate.BpfObjectValidator;
import dev.bpfj.toolchain.validate.Problem;
import dev.bpfj.toolchain.vmlinux.VmlinuxGenerator;
import dev.bpfj.toolchain.vmlinux.VmlinuxRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Runs every consumer of an object file on one input: the object reader, the validator, the
 * skeleton generator, and the vmlinux.h generator over the object's {@code .BTF}. The contract
 * is that each either succeeds or refuses with a {@link BpfFormatException} /
 * {@link BpfBuildException} whose message names the file; {@link #run} throws an
 * {@link AssertionError} for anything else.
 */
final class Harness {

    static final String FILE_NAME = "fuzzed.bpf.o";

    private final Path workDir;

    /** @param workDir a private directory for the vmlinux generator's input and output files */
    Harness(Path workDir) {
        this.workDir = workDir;
    }

    /** Runs all targets on {@code bytes}; returns true when the object reader accepted the input. */
    boolean run(byte[] bytes) {
        try {
            return runTargets(bytes);
        } catch (StackOverflowError | OutOfMemoryError | RuntimeException e) {
            throw new AssertionError("unexpected " + e, e);
        }
    }

    private boolean runTargets(byte[] bytes) {
        BpfObjectSpec spec;
        try {
            spec = BpfObjectSpec.parse(FILE_NAME, bytes);
        } catch (BpfFormatException expected) {
            checkFormatException(expected, bytes.length);
            // The BTF on its own is still worth feeding to the BTF readers and the header generator.
            btfTargets(bytes);
            return false;
        }
        // A model that parsed must answer every query.
        spec.programs().forEach(p -> {
            p.helperIds();
            p.instructions().size();
        });
        // A .bss image is zeros made on request, as large as the (possibly forged) size says: asking
        // for it is the caller's choice, not the reader's allocation.
        spec.globalSections().stream().filter(s -> s.kind() != GlobalSection.Kind.BSS).forEach(s -> s.initialBytes());
        for (Problem problem : BpfObjectValidator.validate(FILE_NAME, bytes)) {
            // The validator turns its own crashes into "a bug in bpfj's validation" problems.
            if (problem.toString().contains("bug in bpfj") || problem.toString().contains("could not be checked")) {
                throw new AssertionError("validator crashed: " + problem);
            }
        }
        try {
            String source = new SkeletonGenerator().generate(spec, "fuzz", List.of());
            if (source.isEmpty()) {
                throw new AssertionError("empty skeleton");
            }
        } catch (BpfBuildException refused) {
            checkBuildException(refused);
        }
        spec.btf().ifPresent(btf -> btf.types().forEach(t -> btf.describe(t.id())));
        btfTargets(bytes);
        return true;
    }

    /** Feeds the object's {@code .BTF} and {@code .BTF.ext}, if the ELF layer reads, to the BTF readers and header generator. */
    private void btfTargets(byte[] bytes) {
        ElfFile elf;
        try {
            elf = ElfFile.parse(FILE_NAME, bytes);
        } catch (BpfFormatException expected) {
            return;
        }
        Optional<ElfSection> section = elf.section(".BTF");
        if (section.isEmpty() || section.get().type() == ElfSection.SHT_NOBITS) {
            return;
        }
        byte[] btfBytes = section.get().bytes();
        Btf btf = null;
        try {
            btf = Btf.parse(FILE_NAME, btfBytes);
            for (BtfType type : btf.types()) {
                btf.describe(type.id());
                if (btf.hasSize(type.id())) {
                    btf.sizeOf(type.id());
                }
            }
        } catch (BpfFormatException expected) {
            checkFormatException(expected, btfBytes.length);
        }
        Optional<ElfSection> ext = elf.section(".BTF.ext");
        if (btf != null && ext.isPresent()) {
            try {
                BtfExt.parse(FILE_NAME, ByteBuffer.wrap(ext.get().bytes()), ".BTF.ext", 0, btf);
            } catch (BpfFormatException expected) {
                checkFormatException(expected, ext.get().size());
            }
        }
        header(btfBytes);
    }

    /** Generates vmlinux.h from a raw BTF blob. */
    void header(byte[] btfBytes) {
        try {
            Path btfFile = workDir.resolve("fuzzed.btf");
            Path output = workDir.resolve("vmlinux.h");
            Files.write(btfFile, btfBytes);
            Files.deleteIfExists(output);
            new VmlinuxGenerator(BuildLog.silent()).generate(new VmlinuxRequest(btfFile, output, List.of()));
        } catch (BpfBuildException refused) {
            checkBuildException(refused);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void checkFormatException(BpfFormatException e, long length) {
        if (!e.getMessage().contains(FILE_NAME)) {
            throw new AssertionError("format error does not name the file: " + e.getMessage(), e);
        }
        if (e.problem().isBlank()) {
            throw new AssertionError("format error without a problem: " + e.getMessage(), e);
        }
    }

    private static void checkBuildException(BpfBuildException e) {
        if (e.getMessage() == null || e.getMessage().isBlank()) {
            throw new AssertionError("build error without a message", e);
        }
    }
}
