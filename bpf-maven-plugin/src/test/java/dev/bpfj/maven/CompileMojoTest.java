package dev.bpfj.maven;

import static org.apache.maven.api.plugin.testing.MojoExtension.setVariableValueToObject;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compile goal as Maven configures it: parameters in, objects or the right exception out. */
@MojoTest
class CompileMojoTest {

    private static final String POM = "src/test/projects/compile/pom.xml";
    private static final String SOURCE = """
            #include <linux/bpf.h>
            #include <bpf/bpf_helpers.h>
            SEC("xdp")
            int pass(struct xdp_md *ctx) { return XDP_PASS; }
            char LICENSE[] SEC("license") = "GPL";
            """;

    @TempDir
    Path dir;

    private void configure(CompileMojo mojo, String source) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/main/bpf"));
        Files.writeString(src.resolve("pass.bpf.c"), source);
        setVariableValueToObject(mojo, "sourceDirectory", src.toFile());
        setVariableValueToObject(mojo, "outputDirectory", dir.resolve("target/bpf").toFile());
        setVariableValueToObject(mojo, "basedir", dir.toFile());
    }

    @Test
    @InjectMojo(goal = "compile", pom = POM)
    void compilesTheSourceDirectory(CompileMojo mojo) throws Exception {
        configure(mojo, SOURCE);
        mojo.execute();
        assertTrue(Files.isRegularFile(dir.resolve("target/bpf/pass.bpf.o")));
    }

    @Test
    @InjectMojo(goal = "compile", pom = POM)
    void skipDoesNothing(CompileMojo mojo) throws Exception {
        configure(mojo, SOURCE);
        setVariableValueToObject(mojo, "skip", true);
        mojo.execute();
        assertFalse(Files.exists(dir.resolve("target/bpf")));
    }

    @Test
    @InjectMojo(goal = "compile", pom = POM)
    void missingClangIsTheUsersMistake(CompileMojo mojo) throws Exception {
        configure(mojo, SOURCE);
        setVariableValueToObject(mojo, "clang", "/nonexistent/clang-99");
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("/nonexistent/clang-99 (bpf.clang) does not exist"), e.getMessage());
    }

    @Test
    @InjectMojo(goal = "compile", pom = POM)
    void validationErrorsFailTheBuild(CompileMojo mojo) throws Exception {
        configure(mojo, SOURCE.replace("SEC(\"xdp\")", "SEC(\"xpd\")"));
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("pass.bpf.c: program pass: [BPF010 section-unknown] is in SEC(\"xpd\")"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean SEC(\"xdp\")?"), e.getMessage());
    }

    @Test
    @InjectMojo(goal = "compile", pom = POM)
    void warningsFailOnlyWithFailOnWarning(CompileMojo mojo) throws Exception {
        String withUnusedMap = SOURCE.replace("SEC(\"xdp\")", "struct { __uint(type, BPF_MAP_TYPE_ARRAY); "
                + "__uint(max_entries, 1); __type(key, __u32); __type(value, __u32); } spare SEC(\".maps\");\nSEC(\"xdp\")");
        configure(mojo, withUnusedMap);
        setVariableValueToObject(mojo, "cflags", List.of("-DUNUSED=1"));
        mojo.execute();
        setVariableValueToObject(mojo, "failOnWarning", true);
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("map spare: [BPF036 map-unused] is not used"), e.getMessage());

        // The build can silence the rule by id; changing the rules re-validates the unchanged source.
        setVariableValueToObject(mojo, "validation", Map.of("BPF036", "ignore"));
        mojo.execute();
        assertTrue(Files.isRegularFile(dir.resolve("target/bpf/pass.bpf.o")));
    }

    @Test
    @InjectMojo(goal = "compile", pom = POM)
    void invalidValidationSettingsAreTheUsersMistake(CompileMojo mojo) throws Exception {
        configure(mojo, SOURCE);
        setVariableValueToObject(mojo, "validation", Map.of("no-such-rule", "ignore"));
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("unknown validation rule 'no-such-rule'"), e.getMessage());
        setVariableValueToObject(mojo, "validation", null);
        setVariableValueToObject(mojo, "minLibbpf", "0.9");
        e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("minimum libbpf 0.9 is older than bpfj's runtime supports (1.0)"), e.getMessage());
    }

    @Test
    @InjectMojo(goal = "compile", pom = POM)
    void anUnwritableOutputDirectoryIsOurFailureNotTheUsers(CompileMojo mojo) throws Exception {
        configure(mojo, SOURCE);
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        setVariableValueToObject(mojo, "outputDirectory", file.resolve("bpf").toFile());
        assertThrows(MojoExecutionException.class, mojo::execute);
    }
}
