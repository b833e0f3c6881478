package dev.bpfj.toolchain.object;

import dev.bpfj.toolchain.insn.Instruction;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A function found in an executable section: a program (a function in a section other than
 * {@code .text}, such as {@code SEC("tracepoint/syscalls/sys_enter_openat")}) or a subprogram
 * (a function in {@code .text}, called by programs).
 *
 * @param name          the C function name
 * @param sectionName   the ELF section, e.g. {@code "tracepoint/syscalls/sys_enter_openat"} or {@code ".text"}
 * @param sectionOffset the byte offset of the function within its section (several functions can share one)
 * @param instructions  the decoded instructions; indices count from the function's first slot
 * @param relocations   the relocations of this function's instructions, in instruction order
 * @param isGlobal      true for a global function symbol, false for a static one
 * @param btfFuncId     the id of the function's {@code BTF FUNC} type, 0 when the object has no BTF for it
 */
public record ProgramSpec(String name, String sectionName, long sectionOffset, List<Instruction> instructions,
                          List<ProgramRelocation> relocations, boolean isGlobal, int btfFuncId) {

    /** Copies the lists so the record stays immutable. */
    public ProgramSpec {
        instructions = List.copyOf(instructions);
        relocations = List.copyOf(relocations);
    }

    /** @return true for a function in {@code .text}: a subprogram, not loaded on its own */
    public boolean isSubprogram() {
        return sectionName.equals(".text");
    }

    /** @return the size of the function's code in bytes */
    public long sizeBytes() {
        long slots = 0;
        for (Instruction instruction : instructions) {
            slots += instruction.slots();
        }
        return slots * Instruction.SLOT_SIZE;
    }

    /** @return the number of 8-byte instruction slots ({@code sizeBytes() / 8}) */
    public int slotCount() {
        return (int) (sizeBytes() / Instruction.SLOT_SIZE);
    }

    /** @return the ids of every BPF helper the function calls directly, sorted */
    public SortedSet<Integer> helperIds() {
        SortedSet<Integer> ids = new TreeSet<>();
        for (Instruction instruction : instructions) {
            if (instruction.isHelperCall()) {
                ids.add(instruction.helperId());
            }
        }
        return ids;
    }

    /** @return the names of the kernel functions (kfuncs) the function calls, in call order, with repeats */
    public List<String> kfuncCalls() {
        List<String> names = new ArrayList<>();
        for (ProgramRelocation relocation : relocations) {
            if (relocation.kind() == ProgramRelocation.Kind.KFUNC) {
                names.add(relocation.symbolName());
            }
        }
        return names;
    }

    /** @return the names of the functions of this object that this function calls, in call order */
    public List<String> calledFunctions() {
        List<String> names = new ArrayList<>();
        for (ProgramRelocation relocation : relocations) {
            if (relocation.kind() == ProgramRelocation.Kind.CALL) {
                names.add(relocation.symbolName());
            }
        }
        return names;
    }
}
