package dev.bpfj.toolchain;

import java.util.Objects;

/**
 * A BPF object file, BTF blob or instruction stream is malformed: truncated, of the wrong kind,
 * or internally inconsistent. The message names the file, the section (when the problem lies in
 * one) and the byte offset where reading stopped, so a user can look at the bytes with
 * {@code readelf} or {@code xxd}.
 *
 * <p>This is the only exception the readers in {@code dev.bpfj.toolchain.elf}, {@code .btf},
 * {@code .insn} and {@code .object} throw for bad input; they never let an
 * {@link IndexOutOfBoundsException} or an {@link OutOfMemoryError} caused by a forged count escape.
 */
public final class BpfFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The file being read. */
    private final String fileName;
    /** The section the problem lies in, or null. */
    private final String section;
    /** Byte offset of the problem from the start of the file, negative when unknown. */
    private final long byteOffset;
    /** What is wrong, without the location prefix. */
    private final String problem;

    /**
     * Creates the exception.
     *
     * @param fileName   the file being read (as given by the caller, usually its path)
     * @param section    the ELF section the problem lies in, or {@code null} for the file itself
     * @param byteOffset the byte offset where the problem was found, counted from the start of the file
     *                   (or of the raw BTF blob when there is no ELF container); negative when unknown
     * @param problem    what is wrong, in words
     */
    public BpfFormatException(String fileName, String section, long byteOffset, String problem) {
        this(fileName, section, byteOffset, problem, null);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param fileName   the file being read
     * @param section    the section the problem lies in, or {@code null}
     * @param byteOffset the byte offset of the problem from the start of the file; negative when unknown
     * @param problem    what is wrong, in words
     * @param cause      the underlying cause, or {@code null}
     */
    public BpfFormatException(String fileName, String section, long byteOffset, String problem, Throwable cause) {
        super(format(fileName, section, byteOffset, problem), cause);
        this.fileName = Objects.requireNonNull(fileName, "fileName");
        this.section = section;
        this.byteOffset = byteOffset;
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    private static String format(String fileName, String section, long byteOffset, String problem) {
        StringBuilder message = new StringBuilder("malformed BPF object ").append(fileName);
        if (section != null) {
            message.append(", section ").append(section);
        }
        if (byteOffset >= 0) {
            message.append(", at byte offset ").append(byteOffset)
                    .append(" (0x").append(Long.toHexString(byteOffset)).append(')');
        }
        return message.append(": ").append(problem).toString();
    }

    /** @return the file being read when the problem was found */
    public String fileName() {
        return fileName;
    }

    /** @return the section the problem lies in, or {@code null} when it concerns the file as a whole */
    public String section() {
        return section;
    }

    /** @return the byte offset of the problem from the start of the file, negative when unknown */
    public long byteOffset() {
        return byteOffset;
    }

    /** @return what is wrong, without the file/section/offset prefix */
    public String problem() {
        return problem;
    }
}
