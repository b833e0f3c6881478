package dev.bpfj.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.bpfj.runtime.BpfObject;
import dev.bpfj.test.KernelTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** Runs scenario classes through the JUnit launcher and checks what the extension did around them. */
@KernelTest(needs = KernelTest.Facility.BPFFS)
class BpfExtensionTest {

    static final List<BpfObject> SEEN = new ArrayList<>();
    static volatile boolean pinned;
    static final Path PIN = Path.of("/sys/fs/bpf/bpfj-junit-" + ProcessHandle.current().pid() + "-"
            + Long.toHexString(System.nanoTime()));

    @Test
    void closesEverythingAlsoWhenTestsFail() throws IOException {
        SEEN.clear();
        List<TestExecutionResult> results;
        try {
            results = run(FailingScenario.class);
            assertTrue(pinned, "the scenario pinned a map");
            assertFalse(Files.exists(PIN), "the pin the failing test made was removed");
        } finally {
            Files.deleteIfExists(PIN);
        }
        assertEquals(2, results.stream().filter(r -> r.getStatus() == TestExecutionResult.Status.FAILED).count(), results.toString());
        // The class object, the per-test field object (twice) and the parameter object.
        assertEquals(4, SEEN.size());
        for (BpfObject object : SEEN) {
            assertEquals(BpfObject.Phase.CLOSED, object.phase(), object.name());
        }
    }

    @Test
    void aMisconfiguredFieldFailsWithTheReason() {
        List<TestExecutionResult> results = run(MissingResourceScenario.class);
        Throwable failure = results.stream().map(TestExecutionResult::getThrowable).flatMap(java.util.Optional::stream)
                .findFirst().orElseThrow();
        assertTrue(failure.getMessage().startsWith("@LoadBpf field MissingResourceScenario.missing: no class-path resource "
                + "nope.bpf.o next to dev.bpfj.junit.BpfExtensionTest$MissingResourceScenario"), failure.getMessage());
    }

    @Test
    void bpfTestCarriesTheKernelTestRules() {
        // Skip with the reason on a laptop, fail under CI=true: the same extension as the project's own tests.
        assertTrue(AnnotationSupport.findAnnotation(XdpFirewallTest.class, KernelTest.class).isPresent());
    }

    @Test
    void aFieldOfAnotherTypeIsExplained() {
        Throwable failure = run(WrongTypeScenario.class).stream().map(TestExecutionResult::getThrowable)
                .flatMap(java.util.Optional::stream).findFirst().orElseThrow();
        assertEquals("@LoadBpf field WrongTypeScenario.notBpf has type java.lang.String, which is neither BpfObject "
                + "nor a bpfj skeleton (static open(), load(), object())", failure.getMessage());
    }

    private static List<TestExecutionResult> run(Class<?> scenario) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(scenario))
                .configurationParameter("junit.jupiter.conditions.deactivate", "org.junit.*DisabledCondition").build();
        List<TestExecutionResult> results = new ArrayList<>();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest() || result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                    results.add(result);
                }
            }
        });
        return results;
    }

    /** Fails on purpose; run only through the launcher above. */
    @BpfTest
    static class FailingScenario {
        @LoadBpf(resource = "xdp_firewall.bpf.o")
        static BpfObject perClass;

        @LoadBpf(resource = "xdp_firewall.bpf.o")
        BpfObject perTest;

        @Test
        void fails() {
            assertNotNull(perClass);
            SEEN.add(perClass);
            SEEN.add(perTest);
            assertEquals(BpfObject.Phase.LOADED, perTest.phase());
            perTest.map("stats").pin(PIN);
            pinned = Files.exists(PIN);
            throw new AssertionError("expected failure");
        }

        @Test
        void failsWithParameter(@LoadBpf(resource = "xdp_firewall.bpf.o", load = false) BpfObject opened) {
            SEEN.add(perTest);
            SEEN.add(opened);
            assertEquals(BpfObject.Phase.OPENED, opened.phase());
            throw new IllegalStateException("expected failure");
        }
    }

    /** Injects into a String. */
    @BpfTest
    static class WrongTypeScenario {
        @LoadBpf
        String notBpf;

        @Test
        void never() {
            throw new AssertionError("must not run");
        }
    }

    /** Names a resource that does not exist. */
    @BpfTest
    static class MissingResourceScenario {
        @LoadBpf(resource = "nope.bpf.o")
        BpfObject missing;

        @Test
        void never() {
            throw new AssertionError("must not run");
        }
    }
}
