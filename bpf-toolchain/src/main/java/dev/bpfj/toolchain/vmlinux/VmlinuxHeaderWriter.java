package dev.bpfj.toolchain.vmlinux;

import dev.bpfj.toolchain.btf.Btf;
import dev.bpfj.toolchain.btf.BtfKind;
import dev.bpfj.toolchain.btf.BtfTable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a C header of the types in a {@link Btf}, the way {@code vmlinux.h} is written from
 * kernel BTF: every struct, union, enum and typedef (with function prototypes, arrays,
 * bitfields and anonymous types inline), in an order that compiles, with every size and member
 * offset equal to the BTF's when clang compiles it for {@code -target bpf}. Record types get
 * {@code preserve_access_index} (unless the includer defines
 * {@code BPF_NO_PRESERVE_ACCESS_INDEX}), so field accesses through them become CO-RE
 * relocations.
 *
 * <p>Immutable; configure with the {@code with...} methods, which return new writers.
 * <pre>{@code
 * VmlinuxHeader header = VmlinuxHeaderWriter.of(Btf.read(Path.of("/sys/kernel/btf/vmlinux")))
 *         .withRoots(List.of("task_struct", "struct mm_struct"))
 *         .write();
 * }</pre>
 */
public final class VmlinuxHeaderWriter {

    /** The include guard, the same as bpftool's so either header can replace the other. */
    public static final String GUARD = "__VMLINUX_H__";

    private final BtfTable btf;
    private final List<String> roots;
    private final List<String> comment;

    private VmlinuxHeaderWriter(BtfTable btf, List<String> roots, List<String> comment) {
        this.btf = btf;
        this.roots = roots;
        this.comment = comment;
    }

    /**
     * A writer of every type in {@code btf}.
     *
     * @param btf parsed BTF, usually the kernel's
     * @return the writer
     */
    public static VmlinuxHeaderWriter of(Btf btf) {
        return of(btf.table());
    }

    /**
     * A writer of every type in {@code btf}, read from its flat table: what
     * {@link VmlinuxGenerator} uses, since kernel BTF as objects costs a short-lived JVM more
     * than writing the header does.
     *
     * @param btf parsed BTF, usually the kernel's
     * @return the writer
     */
    public static VmlinuxHeaderWriter of(BtfTable btf) {
        return new VmlinuxHeaderWriter(Objects.requireNonNull(btf, "btf"), List.of(), List.of());
    }

    /**
     * Restricts the header to the named types and what they need: the definitions they use by
     * value, the typedefs and enums they name; structs they only point to are declared, not
     * defined (add them as roots to access their fields). Every typedef of an integer
     * ({@code __u32}, {@code __be16}...) is included too, because libbpf's headers use them. A root is a name ({@code task_struct},
     * matching every struct, union, enum or typedef of that name) or a kind and a name
     * ({@code struct task_struct}, {@code union bpf_attr}, {@code enum bpf_func_id},
     * {@code typedef u32}).
     *
     * @param rootNames the roots; empty means every type
     * @return a new writer
     */
    public VmlinuxHeaderWriter withRoots(Collection<String> rootNames) {
        List<String> cleaned = new ArrayList<>();
        for (String root : rootNames) {
            String trimmed = root == null ? "" : root.strip().replaceAll("\\s+", " ");
            if (!trimmed.isEmpty()) {
                cleaned.add(trimmed);
            }
        }
        return new VmlinuxHeaderWriter(btf, List.copyOf(cleaned), comment);
    }

    /**
     * Puts a comment at the top of the header, for example where it was generated from.
     *
     * @param lines the comment's lines, without comment markers (a line must not contain {@code *}{@code /})
     * @return a new writer
     */
    public VmlinuxHeaderWriter withComment(List<String> lines) {
        for (String line : lines) {
            if (line.contains("*/") || line.contains("\n")) {
                throw new IllegalArgumentException("comment line must not contain '*/' or a newline: " + line);
            }
        }
        return new VmlinuxHeaderWriter(btf, roots, List.copyOf(lines));
    }

    /**
     * Writes the header.
     *
     * @return the header and what it contains
     * @throws IllegalArgumentException if a root names no type, or the BTF's types form a
     *                                  structure C cannot express (a typedef that refers to
     *                                  itself); the message names the type
     */
    public VmlinuxHeader write() {
        List<Integer> rootIds = resolveRoots();
        HeaderText out = new HeaderText(4096 + btf.typeCount() * 24);
        if (!comment.isEmpty()) {
            out.append("/*\n");
            for (String line : comment) {
                out.append(" * ").append(line).append('\n');
            }
            out.append(" */\n\n");
        }
        out.append("#ifndef ").append(GUARD).append('\n');
        out.append("#define ").append(GUARD).append("\n\n");
        out.append("#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n");
        out.append("#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n");
        out.append("#endif\n\n");
        HeaderEmitter emitter = new HeaderEmitter(btf, out);
        emitter.checkNames();
        try {
            if (roots.isEmpty()) {
                emitter.emitAll();
            } else {
                emitter.emitIntegerTypedefs();
                for (int id : rootIds) {
                    emitter.emitRoot(id);
                }
            }
        } catch (StackOverflowError tooDeep) {
            // Only forged BTF nests this deeply (the emitter also stops at HeaderEmitter.MAX_DEPTH);
            // nothing of the half-written header survives, so recovering here is safe.
            throw new IllegalArgumentException("the types in " + btf.fileName() + " nest too deeply to write as C"
                    + " (run with a larger thread stack, -Xss, if this BTF is genuine)");
        }
        out.append("#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n");
        out.append("#pragma clang attribute pop\n");
        out.append("#endif\n\n");
        out.append("#endif /* ").append(GUARD).append(" */\n");
        return new VmlinuxHeader(out.toByteArray(), emitter.definitions(), emitter.forwardDeclarations(),
                emitter.warnings());
    }

    private List<Integer> resolveRoots() {
        Map<String, List<Integer>> byName = new HashMap<>();
        if (!roots.isEmpty()) {
            for (int id = 1, count = btf.typeCount(); id < count; id++) {
                if (btf.isNamed(id)) {
                    byName.computeIfAbsent(btf.name(id), name -> new ArrayList<>(1)).add(id);
                }
            }
        }
        List<Integer> ids = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String root : roots) {
            String name = root;
            List<BtfKind> kinds = List.of(BtfKind.STRUCT, BtfKind.UNION, BtfKind.ENUM, BtfKind.ENUM64,
                    BtfKind.TYPEDEF, BtfKind.FWD);
            int space = root.indexOf(' ');
            if (space > 0) {
                String keyword = root.substring(0, space).toLowerCase(Locale.ROOT);
                name = root.substring(space + 1);
                switch (keyword) {
                    case "struct":
                        kinds = List.of(BtfKind.STRUCT, BtfKind.FWD);
                        break;
                    case "union":
                        kinds = List.of(BtfKind.UNION, BtfKind.FWD);
                        break;
                    case "enum":
                        kinds = List.of(BtfKind.ENUM, BtfKind.ENUM64);
                        break;
                    case "typedef":
                        kinds = List.of(BtfKind.TYPEDEF);
                        break;
                    default:
                        unknown.add(root + " (use NAME, struct NAME, union NAME, enum NAME or typedef NAME)");
                        continue;
                }
            }
            boolean found = false;
            for (int id : byName.getOrDefault(name, List.of())) {
                if (kinds.contains(btf.kind(id)) && wanted(id, root)) {
                    ids.add(id);
                    found = true;
                }
            }
            if (!found) {
                unknown.add(root);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("no type in " + btf.fileName() + " matches " + String.join(", ", unknown)
                    + "; roots are struct, union, enum or typedef names, e.g. task_struct or \"struct sk_buff\"");
        }
        return ids;
    }

    private boolean wanted(int id, String root) {
        // "struct foo" also accepts a forward declaration only if it is a struct one, likewise for union.
        if (btf.kind(id) == BtfKind.FWD) {
            boolean union = btf.kindFlag(id);
            return root.startsWith("union ") ? union : !root.startsWith("struct ") || !union;
        }
        return true;
    }
}
