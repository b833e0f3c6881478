package dev.bpfj.toolchain.insn;

import dev.bpfj.toolchain.BpfFormatException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One decoded BPF instruction. The 16-byte {@code ld_imm64} ({@code BPF_LD | BPF_IMM | BPF_DW})
 * is one instruction spanning two slots; its 64-bit constant is {@link #imm64()}.
 *
 * @param index  the instruction's position in 8-byte slots from the start of its section
 *               (relocation offsets divided by 8 match it)
 * @param opcode the opcode byte: class in the low 3 bits, then source and operation bits
 * @param dst    the destination register, 0 to 10
 * @param src    the source register, 0 to 10, or a pseudo value ({@link #PSEUDO_CALL}, {@link #PSEUDO_MAP_FD}...)
 * @param offset the signed 16-bit offset (jump distance in slots, or memory offset)
 * @param imm    the signed 32-bit immediate (for calls: helper id, or relative slot distance)
 * @param imm64  for {@code ld_imm64}, the full 64-bit immediate (low word from this slot, high word
 *               from the next); for every other instruction equal to {@code imm} sign-extended
 */
public record Instruction(int index, int opcode, int dst, int src, short offset, int imm, long imm64) {

    /** Size of one instruction slot in bytes. */
    public static final int SLOT_SIZE = 8;

    /** Instruction class: load from immediate or packet ({@code ld_imm64} lives here). */
    public static final int CLASS_LD = 0x00;
    /** Instruction class: load from memory. */
    public static final int CLASS_LDX = 0x01;
    /** Instruction class: store immediate. */
    public static final int CLASS_ST = 0x02;
    /** Instruction class: store register (and atomics). */
    public static final int CLASS_STX = 0x03;
    /** Instruction class: 32-bit arithmetic. */
    public static final int CLASS_ALU = 0x04;
    /** Instruction class: 64-bit jumps, calls and exit. */
    public static final int CLASS_JMP = 0x05;
    /** Instruction class: 32-bit jumps. */
    public static final int CLASS_JMP32 = 0x06;
    /** Instruction class: 64-bit arithmetic. */
    public static final int CLASS_ALU64 = 0x07;

    /** Jump operation: call. */
    public static final int OP_CALL = 0x80;
    /** Jump operation: exit. */
    public static final int OP_EXIT = 0x90;
    /** Opcode of {@code ld_imm64}: {@code BPF_LD | BPF_IMM | BPF_DW}. */
    public static final int OPCODE_LD_IMM64 = 0x18;
    /** Opcode of {@code call}: {@code BPF_JMP | BPF_CALL}. */
    public static final int OPCODE_CALL = 0x85;
    /** Opcode of {@code exit}: {@code BPF_JMP | BPF_EXIT}. */
    public static final int OPCODE_EXIT = 0x95;

    /** Call source register: call a BPF-to-BPF subprogram (imm is the relative slot distance). */
    public static final int PSEUDO_CALL = 1;
    /** Call source register: call a kernel function (imm is its BTF id, filled in at load). */
    public static final int PSEUDO_KFUNC_CALL = 2;
    /** ld_imm64 source register: imm is a map fd. */
    public static final int PSEUDO_MAP_FD = 1;
    /** ld_imm64 source register: imm is a map fd and the next word an offset into its value. */
    public static final int PSEUDO_MAP_VALUE = 2;
    /** ld_imm64 source register: imm is a kernel variable's BTF id. */
    public static final int PSEUDO_BTF_ID = 3;
    /** ld_imm64 source register: imm is the address of a BPF function. */
    public static final int PSEUDO_FUNC = 4;

    /** @return the instruction class, {@code opcode & 7} */
    public int instructionClass() {
        return opcode & 0x07;
    }

    /** @return how many 8-byte slots this instruction occupies: 2 for {@code ld_imm64}, else 1 */
    public int slots() {
        return isLdImm64() ? 2 : 1;
    }

    /** @return the byte offset of the instruction within its section ({@code index * 8}) */
    public long byteOffset() {
        return (long) index * SLOT_SIZE;
    }

    /** @return true for the 16-byte {@code ld_imm64} */
    public boolean isLdImm64() {
        return opcode == OPCODE_LD_IMM64;
    }

    /** @return true for any {@code call}: helper, subprogram or kfunc */
    public boolean isCall() {
        return opcode == OPCODE_CALL;
    }

    /** @return true for a call of a BPF helper function (source register 0) */
    public boolean isHelperCall() {
        return isCall() && src == 0;
    }

    /**
     * The helper id of a helper call, e.g. 1 for {@code bpf_map_lookup_elem}.
     *
     * @return the helper id
     * @throws IllegalStateException if this is not a helper call
     */
    public int helperId() {
        if (!isHelperCall()) {
            throw new IllegalStateException("instruction " + index + " is not a helper call");
        }
        return imm;
    }

    /**
     * Tells whether this is a kfunc call as the kernel sees it. Note that in an object file
     * clang writes kfunc calls like subprogram calls (source register {@link #PSEUDO_CALL},
     * imm -1) with a relocation against the undefined kfunc symbol, and the loader rewrites them;
     * use {@code ProgramSpec.kfuncCalls()} to find them in an object.
     *
     * @return true when the source register is {@link #PSEUDO_KFUNC_CALL}
     */
    public boolean isKfuncCall() {
        return isCall() && src == PSEUDO_KFUNC_CALL;
    }

    /** @return true for a BPF-to-BPF call, source register {@link #PSEUDO_CALL} */
    public boolean isSubprogramCall() {
        return isCall() && src == PSEUDO_CALL;
    }

    /**
     * The slot index a subprogram call jumps to, relative to the same section: the slot after
     * the call plus {@code imm}. clang leaves {@code imm} as -1 when the callee is reached through
     * a relocation (global functions); then use the relocation's symbol instead.
     *
     * @return the target slot index
     * @throws IllegalStateException if this is not a subprogram call
     */
    public int callTargetIndex() {
        if (!isSubprogramCall()) {
            throw new IllegalStateException("instruction " + index + " is not a subprogram call");
        }
        return index + 1 + imm;
    }

    /** @return true for {@code exit} */
    public boolean isExit() {
        return opcode == OPCODE_EXIT;
    }

    /** @return true for jumps of either width (conditional or not), excluding call and exit */
    public boolean isJump() {
        int cls = instructionClass();
        int op = opcode & 0xf0;
        return (cls == CLASS_JMP || cls == CLASS_JMP32) && op != OP_CALL && op != OP_EXIT;
    }

    /**
     * Decodes a section's instructions.
     *
     * @param code  the section contents; its length must be a multiple of 8
     * @param order the object's byte order
     * @return the instructions in order; an {@code ld_imm64} appears once and its second slot is skipped
     * @throws IllegalArgumentException if the length is not a multiple of 8 or an {@code ld_imm64}
     *                                  lacks its second slot
     */
    public static List<Instruction> decode(byte[] code, ByteOrder order) {
        try {
            return decode("<memory>", null, 0, code, order);
        } catch (BpfFormatException e) {
            throw new IllegalArgumentException(e.problem(), e);
        }
    }

    /**
     * Decodes a section's instructions, reporting malformed code with the file and section.
     *
     * @param fileName    the object's name, for messages
     * @param sectionName the section's name, for messages
     * @param fileOffset  where the section starts in the file, for messages
     * @param code        the section contents
     * @param order       the object's byte order
     * @return the instructions in order
     * @throws BpfFormatException if the length is not a multiple of 8 or an {@code ld_imm64} lacks its second slot
     */
    public static List<Instruction> decode(String fileName, String sectionName, long fileOffset, byte[] code,
                                           ByteOrder order) throws BpfFormatException {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(order, "order");
        if (code.length % SLOT_SIZE != 0) {
            throw new BpfFormatException(fileName, sectionName, fileOffset + code.length - code.length % SLOT_SIZE,
                    "code size " + code.length + " is not a multiple of the 8-byte instruction size");
        }
        boolean little = order == ByteOrder.LITTLE_ENDIAN;
        int slots = code.length / SLOT_SIZE;
        List<Instruction> result = new ArrayList<>(slots);
        for (int i = 0; i < slots; i++) {
            int at = i * SLOT_SIZE;
            int opcode = code[at] & 0xff;
            int regs = code[at + 1] & 0xff;
            // The register nibbles swap places between the two byte orders.
            int dst = little ? regs & 0x0f : regs >>> 4;
            int src = little ? regs >>> 4 : regs & 0x0f;
            short offset = (short) read(code, at + 2, 2, little);
            int imm = (int) read(code, at + 4, 4, little);
            if (opcode == OPCODE_LD_IMM64) {
                if (i + 1 >= slots) {
                    throw new BpfFormatException(fileName, sectionName, fileOffset + at,
                            "ld_imm64 at instruction " + i + " is missing its second 8-byte slot");
                }
                int high = (int) read(code, at + 12, 4, little);
                long imm64 = (long) high << 32 | (imm & 0xffffffffL);
                result.add(new Instruction(i, opcode, dst, src, offset, imm, imm64));
                i++;
            } else {
                result.add(new Instruction(i, opcode, dst, src, offset, imm, imm));
            }
        }
        return List.copyOf(result);
    }

    private static long read(byte[] code, int at, int length, boolean little) {
        long value = 0;
        for (int i = 0; i < length; i++) {
            int shift = little ? 8 * i : 8 * (length - 1 - i);
            value |= (long) (code[at + i] & 0xff) << shift;
        }
        return value;
    }
}
