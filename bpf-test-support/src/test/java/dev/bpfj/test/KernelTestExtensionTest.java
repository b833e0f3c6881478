package dev.bpfj.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

class KernelTestExtensionTest {

    @Test
    void skipsWithTheReasonWhenNotRequired() {
        ConditionEvaluationResult result = KernelTestExtension.evaluate(List.of("requires root"), false);
        assertTrue(result.isDisabled());
        assertTrue(result.getReason().orElseThrow().contains("requires root"), result.getReason().orElseThrow());
        assertTrue(KernelTestExtension.failure(List.of("requires root"), false, "CI=true").isEmpty());
    }

    @Test
    void failsInsteadOfSkippingWhenRequired() {
        ConditionEvaluationResult result = KernelTestExtension.evaluate(List.of("requires root"), true);
        assertFalse(result.isDisabled(), "a required kernel test must not be skipped");
        String message = KernelTestExtension.failure(List.of("requires root"), true, "CI=true").orElseThrow();
        assertEquals("kernel test cannot run but kernel tests are required (CI=true): requires root", message);
    }

    @Test
    void runsWhenNothingIsMissing() {
        assertFalse(KernelTestExtension.evaluate(List.of(), false).isDisabled());
        assertTrue(KernelTestExtension.failure(List.of(), true, "CI=true").isEmpty());
    }

    /** On CI this is the proof that the machine really can run kernel tests. */
    @Test
    @KernelTest(needs = {KernelTest.Facility.TRACEFS, KernelTest.Facility.BPFFS, KernelTest.Facility.CLANG})
    void thisMachineOffersWhatKernelTestsNeed() {
        assertEquals(List.of(), KernelEnvironment.basicProblems());
        for (KernelTest.Facility facility : new KernelTest.Facility[] {
                KernelTest.Facility.TRACEFS, KernelTest.Facility.BPFFS, KernelTest.Facility.CLANG}) {
            assertTrue(KernelEnvironment.problem(facility).isEmpty(), facility.name());
        }
    }
}
