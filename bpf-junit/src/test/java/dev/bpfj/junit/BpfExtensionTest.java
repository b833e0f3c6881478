package dev.bpfj.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.bpfj.runtime.BpfObject;
import dev.bpfj.test.KernelTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** Runs scenario classes through the JUnit launcher and checks what the extension did around them. */
@KernelTest
class BpfExtensionTest {

    static final List<BpfObject> SEEN = new ArrayList<>();

    @Test
    void closesEverythingAlsoWhenTestsFail() {
        SEEN.clear();
        List<TestExecutionResult> results = run(FailingScenario.class);
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
