package dev.bpfj.toolchain.object;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A global data section, which the loader turns into a single-entry array map whose value is
 * the section image.
 *
 * @param name         the section name: {@code .rodata}, {@code .data}, {@code .bss},
 *                     {@code .rodata.<name>}, {@code .data.<name>}, {@code .bss.<name>}
 * @param sectionIndex the ELF section index
 * @param kind         read-only data, writable data, or zero-initialised data
 * @param size         the size in bytes
 * @param variables    the variables in the section by offset, from its BTF DATASEC (or from ELF
 *                     symbols when the object has no BTF)
 * @param btfTypeId    the id of the section's BTF DATASEC, 0 when there is none
 * @param initialBytes the section's initial image: its bytes; ignored for {@code .bss}, whose image is
 *                     {@code size} zeros that {@link #initialBytes()} makes only when asked (a
 *                     {@code .bss} occupies no bytes in the file, so its size alone must not make
 *                     the reader allocate)
 */
public record GlobalSection(String name, int sectionIndex, Kind kind, long size, List<GlobalVariable> variables,
                            int btfTypeId, byte[] initialBytes) {

    /** The three kinds of global data. */
    public enum Kind {
        /** {@code .rodata*}: constant after load (frozen map). */
        RODATA,
        /** {@code .data*}: initialised, writable. */
        DATA,
        /** {@code .bss*}: zero-initialised, writable. */
        BSS
    }

    /** Copies the inputs so the record stays immutable. */
    public GlobalSection {
        variables = List.copyOf(variables);
        initialBytes = kind == Kind.BSS ? new byte[0] : initialBytes.clone();
    }

    /** @return a copy of the section's initial image: its bytes, or {@code size} zeros for {@code .bss} */
    @Override
    public byte[] initialBytes() {
        return kind == Kind.BSS ? new byte[Math.toIntExact(size)] : initialBytes.clone();
    }

    /** Compares by content, including the initial image. */
    @Override
    public boolean equals(Object other) {
        return other instanceof GlobalSection that && name.equals(that.name) && sectionIndex == that.sectionIndex
                && kind == that.kind && size == that.size && variables.equals(that.variables)
                && btfTypeId == that.btfTypeId && Arrays.equals(initialBytes, that.initialBytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, sectionIndex, kind, size, variables, btfTypeId) * 31 + Arrays.hashCode(initialBytes);
    }

    @Override
    public String toString() {
        return "GlobalSection[" + name + ", " + kind + ", " + size + " bytes, " + variables.size() + " variables]";
    }

    /** @return true for {@link Kind#RODATA}: the kernel freezes the map after load */
    public boolean readOnly() {
        return kind == Kind.RODATA;
    }

    /**
     * Finds a variable by name.
     *
     * @param variableName the C name
     * @return the variable, or empty
     */
    public Optional<GlobalVariable> variable(String variableName) {
        return variables.stream().filter(v -> v.name().equals(variableName)).findFirst();
    }
}
