package dev.bpfj.toolchain.clang;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Ant-style source patterns as Maven users write them. */
class SourcePatternsTest {

    private static boolean matches(String pattern, String path) {
        return SourcePatterns.of(List.of(pattern)).matches(path);
    }

    @Test
    void doubleStarSpansAnyNumberOfDirectoriesIncludingNone() {
        assertTrue(matches("**/*.c", "probe.c"));
        assertTrue(matches("**/*.c", "net/tc/filter.c"));
        assertFalse(matches("**/*.c", "probe.h"));
        assertTrue(matches("net/**/*.c", "net/filter.c"));
        assertTrue(matches("net/**/*.c", "net/tc/filter.c"));
        assertFalse(matches("net/**/*.c", "other/filter.c"));
        assertTrue(matches("**", "a/b/c.c"));
    }

    @Test
    void singleStarAndQuestionMarkStayInsideOneSegment() {
        assertTrue(matches("*.c", "probe.c"));
        assertFalse(matches("*.c", "net/probe.c"));
        assertTrue(matches("probe?.c", "probe1.c"));
        assertFalse(matches("probe?.c", "probe12.c"));
        assertFalse(matches("net?probe.c", "net/probe.c"));
    }

    @Test
    void aTrailingSlashMeansEverythingBelowAndLeadingDotSlashIsIgnored() {
        assertTrue(matches("lib/", "lib/helper.c"));
        assertTrue(matches("lib/", "lib/deep/helper.c"));
        assertFalse(matches("lib/", "library.c"));
        assertTrue(matches("./probe.c", "probe.c"));
        assertTrue(matches("net\\*.c", "net/filter.c"), "Windows separators are accepted");
    }

    @Test
    void regexCharactersAreLiteral() {
        assertTrue(matches("a+b(1).c", "a+b(1).c"));
        assertFalse(matches("a.c", "abc"));
    }

    @Test
    void blankPatternsAreIgnored() {
        SourcePatterns patterns = SourcePatterns.of(List.of(" ", ""));
        assertTrue(patterns.isEmpty());
        assertFalse(patterns.matches("probe.c"));
    }
}
