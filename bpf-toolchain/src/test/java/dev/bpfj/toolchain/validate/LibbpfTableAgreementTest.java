package dev.bpfj.toolchain.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The libbpf version table is one piece of data in two copies (the runtime must not depend on the
 * toolchain): they must be identical, and the table must agree with the section names the
 * validator knows. The rule table and docs/validation.md must agree too.
 */
class LibbpfTableAgreementTest {

    private static final Path TOOLCHAIN_COPY = Path.of("src/main/resources/dev/bpfj/toolchain/validate/libbpf-versions.txt");
    private static final Path RUNTIME_COPY =
            Path.of("../bpf-runtime/src/main/resources/dev/bpfj/runtime/internal/libbpf/libbpf-versions.txt");

    @Test
    void theRuntimeCarriesTheSameTable() throws Exception {
        assertEquals(Files.readString(TOOLCHAIN_COPY, StandardCharsets.UTF_8), Files.readString(RUNTIME_COPY,
                StandardCharsets.UTF_8), "the two copies of libbpf-versions.txt differ: copy " + TOOLCHAIN_COPY
                + " over " + RUNTIME_COPY);
    }

    @Test
    void everySectionInTheTableIsOneTheValidatorKnows() {
        List<LibbpfFeatures.Entry> entries = LibbpfFeatures.entries();
        assertTrue(entries.size() > 30, "table read: " + entries.size() + " entries");
        for (LibbpfFeatures.Entry entry : entries) {
            assertTrue(entry.since().compareTo(LibbpfVersion.OLDEST_SUPPORTED) > 0, entry + " is not newer than 1.0");
            if (entry.kind() == LibbpfFeatures.Kind.SECTION) {
                String name = entry.displayName();
                var definition = SectionDefinitions.match(name);
                assertTrue(definition.isPresent() && definition.get().name().equals(name), entry + " is no section "
                        + "name of SectionDefinitions");
                assertEquals(entry.name().endsWith("+"), definition.get().form() == SectionDefinitions.Form.EXTENSIBLE,
                        entry + ": '+' in the table and the definition's form disagree");
            }
        }
        assertEquals("1.3", LibbpfFeatures.section("?tcx/ingress").orElseThrow().since().toString());
        assertEquals("1.3", LibbpfFeatures.section("uprobe.multi//bin/bash:readline").orElseThrow().since().toString());
        assertTrue(LibbpfFeatures.section("uprobe//bin/bash:readline").isEmpty());
        assertTrue(LibbpfFeatures.section("tc").isEmpty());
        assertEquals("1.4", LibbpfFeatures.mapType("ARENA").orElseThrow().since().toString());
        assertEquals("1.2", LibbpfFeatures.elfSection(".struct_ops.link").orElseThrow().since().toString());
    }

    @Test
    void docsListEveryRule() throws Exception {
        String docs = Files.readString(Path.of("../docs/validation.md"), StandardCharsets.UTF_8);
        for (Rule rule : Rule.values()) {
            assertTrue(docs.contains("| " + rule.id() + " | `" + rule.slug() + "` |"), "docs/validation.md has no row "
                    + "for " + rule.tag());
        }
        for (LibbpfFeatures.Entry entry : LibbpfFeatures.entries()) {
            assertTrue(docs.contains("`" + entry.displayName() + "`"), "docs/validation.md does not mention " + entry);
        }
    }

    @Test
    void versionsParseAndCompare() {
        assertEquals(new LibbpfVersion(1, 3), LibbpfVersion.parse("1.3.2"));
        assertTrue(LibbpfVersion.parse("1.10").compareTo(LibbpfVersion.parse("1.9")) > 0);
        assertTrue(Rule.find("bpf032").isPresent() && Rule.find("map-max-entries").orElseThrow() == Rule.MAP_MAX_ENTRIES);
    }
}
