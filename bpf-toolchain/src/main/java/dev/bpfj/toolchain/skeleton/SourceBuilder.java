package dev.bpfj.toolchain.skeleton;

/**
 * A string builder that knows the current indentation, for generated Java source. Lines end
 * with {@code \n} whatever the platform, so that generated files are identical everywhere.
 */
final class SourceBuilder {

    private static final String INDENT = "    ";

    private final StringBuilder text = new StringBuilder();
    private int depth;

    /**
     * Appends one line at the current indentation.
     *
     * @param line the line, without a line break; empty for a blank line
     * @return this
     */
    SourceBuilder line(String line) {
        if (!line.isEmpty()) {
            text.append(INDENT.repeat(depth));
        }
        text.append(line).append('\n');
        return this;
    }

    /**
     * Appends a line ending in {@code {} and indents.
     *
     * @param line the opening line, without the brace
     * @return this
     */
    SourceBuilder open(String line) {
        line(line + " {");
        depth++;
        return this;
    }

    /**
     * Dedents and appends {@code }}.
     *
     * @return this
     */
    SourceBuilder close() {
        depth--;
        return line("}");
    }

    /**
     * Dedents and appends a closing line such as <code>&#125;;</code>.
     *
     * @param line the closing line
     * @return this
     */
    SourceBuilder closeWith(String line) {
        depth--;
        return line(line);
    }

    /**
     * Appends a Javadoc comment: one line when short, a block otherwise.
     *
     * @param lines the comment's lines, already escaped for Javadoc
     * @return this
     */
    SourceBuilder javadoc(String... lines) {
        if (lines.length == 1 && lines[0].length() < 90) {
            return line("/** " + lines[0] + " */");
        }
        line("/**");
        for (String l : lines) {
            line(l.isEmpty() ? " *" : " * " + l);
        }
        return line(" */");
    }

    /**
     * Escapes text for inclusion in Javadoc as code: HTML specials, braces, {@code @} and comment ends.
     *
     * @param text any text
     * @return text safe inside {@code <code>...</code>}
     */
    static String code(String text) {
        StringBuilder out = new StringBuilder("<code>");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '@' -> out.append("&#64;");
                case '{' -> out.append("&#123;");
                case '}' -> out.append("&#125;");
                case '*' -> out.append("&#42;");
                case '/' -> out.append("&#47;");
                case '\\' -> out.append("&#92;");
                default -> out.append(c < 32 || c > 126 ? '?' : c);
            }
        }
        return out.append("</code>").toString();
    }

    /**
     * Quotes a string as a Java literal.
     *
     * @param text any text
     * @return the literal, with quotes
     */
    static String literal(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 32 || c > 126) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
