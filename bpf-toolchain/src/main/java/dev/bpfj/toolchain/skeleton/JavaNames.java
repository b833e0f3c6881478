package dev.bpfj.toolchain.skeleton;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns C names into Java names, and keeps the names of one Java scope unique.
 *
 * <p>The rules, applied in this order so that the same object always gives the same names:
 * <ol>
 * <li>{@code snake_case} becomes {@code camelCase} (methods) or {@code CamelCase} (classes);
 *     a name without lower-case letters ({@code MAX_LEN}) is lower-cased first; leading and
 *     doubled underscores disappear ({@code __pad} becomes {@code pad}).</li>
 * <li>A Java keyword, or a name the generated class already uses for itself (such as
 *     {@code wrap} in a struct view or {@code hashCode} anywhere), gets a {@code _} suffix.</li>
 * <li>A name still taken in the scope (two C names that map to one Java name) gets
 *     {@code 2}, {@code 3}, ... in declaration order.</li>
 * </ol>
 */
final class JavaNames {

    /** Java keywords and literals that cannot be identifiers. */
    static final Set<String> KEYWORDS = Set.of(
            "abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const",
            "continue", "default", "do", "double", "else", "enum", "extends", "final", "finally", "float",
            "for", "goto", "if", "implements", "import", "instanceof", "int", "interface", "long", "native",
            "new", "package", "private", "protected", "public", "return", "short", "static", "strictfp",
            "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try", "void",
            "volatile", "while", "true", "false", "null", "_", "var", "yield", "record", "sealed", "permits",
            "non-sealed", "when", "module", "open", "exports", "requires");

    /** Methods of {@code java.lang.Object} and of records: no generated accessor may take their names. */
    static final Set<String> OBJECT_METHODS = Set.of(
            "getClass", "hashCode", "equals", "toString", "notify", "notifyAll", "wait", "clone", "finalize");

    private JavaNames() {
    }

    /**
     * {@code targ_pid} -> {@code targPid}.
     *
     * @param cName a C identifier
     * @return a lower camel case name, never empty
     */
    static String lowerCamel(String cName) {
        String upper = upperCamel(cName);
        if (upper.length() > 1 && Character.isUpperCase(upper.charAt(1)) && isAllUpper(upper)) {
            return upper.toLowerCase(Locale.ROOT);
        }
        return Character.toLowerCase(upper.charAt(0)) + upper.substring(1);
    }

    /**
     * {@code opensnoop_event} -> {@code OpensnoopEvent}.
     *
     * @param cName a C identifier (dots and dashes count as underscores)
     * @return an upper camel case name, never empty
     */
    /**
     * The skeleton class name of an object file, as {@link SkeletonGenerator#className} documents
     * it; here so that checking whether skeletons are current does not load the generator.
     */
    static String skeletonClassName(String objectFileName) {
        String stem = objectFileName;
        for (String suffix : new String[] {".bpf.o", ".o"}) {
            if (stem.endsWith(suffix)) {
                stem = stem.substring(0, stem.length() - suffix.length());
                break;
            }
        }
        return upperCamel(stem) + "Bpf";
    }

    static String upperCamel(String cName) {
        String name = cName.replace('.', '_').replace('-', '_');
        boolean hasLower = false;
        for (int i = 0; i < name.length(); i++) {
            hasLower |= Character.isLowerCase(name.charAt(i));
        }
        if (!hasLower) {
            name = name.toLowerCase(Locale.ROOT);
        }
        StringBuilder out = new StringBuilder();
        for (String part : name.split("_")) {
            if (part.isEmpty()) {
                continue;
            }
            StringBuilder clean = new StringBuilder();
            for (int i = 0; i < part.length(); i++) {
                char c = part.charAt(i);
                clean.append(Character.isLetterOrDigit(c) && c < 128 ? c : '_');
            }
            out.append(Character.toUpperCase(clean.charAt(0))).append(clean, 1, clean.length());
        }
        if (out.length() == 0) {
            return "Unnamed";
        }
        if (Character.isDigit(out.charAt(0))) {
            out.insert(0, 'N');
        }
        return out.toString();
    }

    private static boolean isAllUpper(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (Character.isLowerCase(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The names taken in one Java scope (a class's methods, or the skeleton's nested classes). */
    static final class Scope {
        private final Set<String> taken = new HashSet<>();
        private final Set<String> reserved;

        /**
         * Creates a scope.
         *
         * @param reserved names the generated code uses itself in this scope
         */
        Scope(Set<String> reserved) {
            this.reserved = reserved;
        }

        /**
         * Claims a name and the names derived from it by adding each suffix.
         *
         * @param candidate the preferred name
         * @param suffixes  derived names the caller will also generate ({@code Bytes}, ...)
         * @return the candidate, made unique as the class Javadoc says
         */
        String claim(String candidate, List<String> suffixes) {
            String base = KEYWORDS.contains(candidate) || OBJECT_METHODS.contains(candidate) || reserved.contains(candidate)
                    ? candidate + "_" : candidate;
            String name = base;
            for (int n = 2; !free(name, suffixes); n++) {
                name = base + n;
            }
            taken.add(name);
            for (String suffix : suffixes) {
                taken.add(name + suffix);
            }
            return name;
        }

        /**
         * Claims a name without derived names.
         *
         * @param candidate the preferred name
         * @return the unique name
         */
        String claim(String candidate) {
            return claim(candidate, List.of());
        }

        private boolean free(String name, List<String> suffixes) {
            if (taken.contains(name) || reserved.contains(name)) {
                return false;
            }
            for (String suffix : suffixes) {
                if (taken.contains(name + suffix) || reserved.contains(name + suffix)) {
                    return false;
                }
            }
            return true;
        }
    }
}
