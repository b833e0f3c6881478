package dev.bpfj.toolchain.object;

import dev.bpfj.toolchain.BpfFormatException;
import dev.bpfj.toolchain.btf.Btf;
import dev.bpfj.toolchain.btf.BtfExt;
import dev.bpfj.toolchain.elf.ElfFile;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The blueprint of a BPF object file, read from its ELF container, BTF and instructions without
 * any kernel: the programs and subprograms, the BTF-defined maps, the global data sections with
 * their variables, the license and the kernel version. Everything is read when the object is
 * parsed; malformed input fails then, with a {@link BpfFormatException}.
 */
public final class BpfObjectSpec {

    private final String fileName;
    private final ElfFile elf;
    private final Btf btf;
    private final BtfExt btfExt;
    private final List<ProgramSpec> programs;
    private final List<ProgramSpec> subprograms;
    private final List<MapSpec> maps;
    private final List<GlobalSection> globalSections;
    private final List<GlobalVariable> externs;
    private final String license;
    private final Integer kernelVersion;
    private final boolean legacyMaps;

    BpfObjectSpec(String fileName, ElfFile elf, Btf btf, BtfExt btfExt, List<ProgramSpec> programs,
                  List<ProgramSpec> subprograms, List<MapSpec> maps, List<GlobalSection> globalSections,
                  List<GlobalVariable> externs, String license, Integer kernelVersion, boolean legacyMaps) {
        this.fileName = fileName;
        this.elf = elf;
        this.btf = btf;
        this.btfExt = btfExt;
        this.programs = List.copyOf(programs);
        this.subprograms = List.copyOf(subprograms);
        this.maps = List.copyOf(maps);
        this.globalSections = List.copyOf(globalSections);
        this.externs = List.copyOf(externs);
        this.license = license;
        this.kernelVersion = kernelVersion;
        this.legacyMaps = legacyMaps;
    }

    /**
     * Reads and parses a BPF object file.
     *
     * @param path the {@code .bpf.o} file
     * @return the object's blueprint
     * @throws IOException        if the file cannot be read
     * @throws BpfFormatException if the file is not a well-formed BPF object
     */
    public static BpfObjectSpec read(Path path) throws IOException, BpfFormatException {
        return parse(path.toString(), Files.readAllBytes(path));
    }

    /**
     * Parses a BPF object held in memory. The array is not copied; the caller must not change it.
     *
     * @param fileName the name used in error messages
     * @param bytes    the whole object file
     * @return the object's blueprint
     * @throws BpfFormatException if the bytes are not a well-formed BPF object
     */
    public static BpfObjectSpec parse(String fileName, byte[] bytes) throws BpfFormatException {
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(bytes, "bytes");
        return new ObjectReader(ElfFile.parse(fileName, bytes), bytes.length).read();
    }

    /** @return the name given when the object was read */
    public String fileName() {
        return fileName;
    }

    /** @return the underlying ELF file, for readers that need more than this model offers */
    public ElfFile elf() {
        return elf;
    }

    /** @return the object's byte order */
    public ByteOrder byteOrder() {
        return elf.byteOrder();
    }

    /**
     * The entry points: every function symbol in an executable section other than {@code .text},
     * ordered by section index and then offset.
     *
     * @return the programs
     */
    public List<ProgramSpec> programs() {
        return programs;
    }

    /**
     * Finds a program by its C function name.
     *
     * @param name the function name
     * @return the program, or empty
     */
    public Optional<ProgramSpec> program(String name) {
        return programs.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** @return the functions in {@code .text}: static and global subprograms that programs call */
    public List<ProgramSpec> subprograms() {
        return subprograms;
    }

    /** @return the maps defined in {@code .maps}, in the order of the {@code .maps} DATASEC */
    public List<MapSpec> maps() {
        return maps;
    }

    /**
     * Finds a map by name.
     *
     * @param name the map's variable name
     * @return the map, or empty
     */
    public Optional<MapSpec> map(String name) {
        return maps.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** @return the global data sections ({@code .rodata}, {@code .data}, {@code .bss} and their named variants) in section order */
    public List<GlobalSection> globalSections() {
        return globalSections;
    }

    /**
     * Finds a global data section by name.
     *
     * @param name e.g. {@code ".rodata"}
     * @return the section, or empty
     */
    public Optional<GlobalSection> globalSection(String name) {
        return globalSections.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** @return the extern variables of the {@code .kconfig} and {@code .ksyms} DATASECs */
    public List<GlobalVariable> externs() {
        return externs;
    }

    /** @return the license string from the {@code license} section, up to its first NUL */
    public Optional<String> license() {
        return Optional.ofNullable(license);
    }

    /** @return the kernel version from the {@code version} section, if the object has one */
    public OptionalInt kernelVersion() {
        return kernelVersion == null ? OptionalInt.empty() : OptionalInt.of(kernelVersion);
    }

    /** @return the object's {@code .BTF}, if it was compiled with {@code -g} */
    public Optional<Btf> btf() {
        return Optional.ofNullable(btf);
    }

    /** @return the object's {@code .BTF.ext}, if present */
    public Optional<BtfExt> btfExt() {
        return Optional.ofNullable(btfExt);
    }

    /**
     * Tells whether the object has a legacy {@code maps} section ({@code struct bpf_map_def}),
     * which libbpf 1.0 and later refuse; its maps are not part of {@link #maps()}.
     *
     * @return true when a section named {@code maps} exists
     */
    public boolean hasLegacyMapsSection() {
        return legacyMaps;
    }

    @Override
    public String toString() {
        return "BpfObjectSpec[" + fileName + ", " + programs.size() + " programs, " + maps.size() + " maps, "
                + globalSections.size() + " global sections]";
    }
}
