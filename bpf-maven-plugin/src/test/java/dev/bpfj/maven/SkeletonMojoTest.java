package dev.bpfj.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The default skeleton package, derived from the groupId. */
class SkeletonMojoTest {

    @Test
    void derivesAValidPackageFromTheGroupId() {
        assertEquals("com.example", SkeletonMojo.derivedPackage("com.example"));
        assertEquals("org.my_team.tools", SkeletonMojo.derivedPackage("org.my-team.Tools"));
        assertEquals("io._2fa._int", SkeletonMojo.derivedPackage("io.2fa.int"));
    }
}
