package dev.bpfj.runtime;

import static dev.bpfj.runtime.TestRunTest.SK_BUFF_SIZE;
import static dev.bpfj.runtime.TestRunTest.TC_ACT_OK;
import static dev.bpfj.runtime.TestRunTest.TC_ACT_SHOT;
import static dev.bpfj.runtime.TestRunTest.XDP_DROP;
import static dev.bpfj.runtime.TestRunTest.XDP_PASS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.test.KernelTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sections that libbpf before 1.0 matched by their start ({@code SEC("xdp_router")}) get the
 * type they had, at open; the kernel then loads and runs them as that type.
 */
@KernelTest(needs = KernelTest.Facility.CLANG)
class LegacySectionsTest {

    @Test
    void oldStyleSectionsGetTheirTypeAndRunAsIt() {
        try (BpfObject object = Fixtures.open("legacy_sections")) {
            assertEquals(List.of(ProgramType.XDP, ProgramType.SCHED_CLS, ProgramType.SOCKET_FILTER, ProgramType.UNSPEC),
                    List.of(object.program("legacy_xdp").type(), object.program("legacy_classifier").type(),
                            object.program("legacy_socket").type(), object.program("unknown_section").type()));
            object.load();
            // the kernel's own record of the loaded programs
            assertEquals(ProgramType.XDP, object.program("legacy_xdp").info().type());
            assertEquals(ProgramType.SCHED_CLS, object.program("legacy_classifier").info().type());
            assertEquals(ProgramType.SOCKET_FILTER, object.program("legacy_socket").info().type());
            // the verifier lets only a program loaded for a devmap read egress_ifindex
            assertEquals(ProgramType.XDP, object.program("legacy_devmap").info().type());

            BpfProgram xdp = object.program("legacy_xdp");
            byte[] small = TestRunTest.udpFrame(9);
            byte[] large = new byte[128];
            System.arraycopy(small, 0, large, 0, small.length);
            assertEquals(XDP_PASS, xdp.testRun(TestRunRequest.ofData(small)).returnValue());
            assertEquals(XDP_DROP, xdp.testRun(TestRunRequest.ofData(large)).returnValue());
            BpfProgram tc = object.program("legacy_classifier");
            assertEquals(TC_ACT_OK, tc.testRun(TestRunRequest.builder().data(small).context(new byte[SK_BUFF_SIZE]).build())
                    .returnValue());
            assertEquals(TC_ACT_SHOT, tc.testRun(TestRunRequest.builder().data(large).context(new byte[SK_BUFF_SIZE]).build())
                    .returnValue());
        }
    }

    @Test
    void aSectionNoRuleMatchesStillFailsTheLoadByName() {
        try (BpfObject object = Fixtures.open("legacy_sections")) {
            object.program("unknown_section").autoload(true);
            BpfException e = assertThrows(BpfException.class, object::load);
            assertTrue(e.getMessage().contains("program unknown_section is in SEC(\"mystery_hook\"), which libbpf does not know"), e.getMessage());
            assertTrue(e.getMessage().contains("program(\"unknown_section\").type(ProgramType.XDP, AttachType.XDP)"), e.getMessage());
        }
    }

    @Test
    void theTypeCanBeSetByHandBeforeLoadOnly() {
        try (BpfObject object = Fixtures.open("legacy_sections")) {
            BpfProgram mystery = object.program("unknown_section");
            mystery.autoload(true);
            mystery.type(ProgramType.XDP, AttachType.XDP);
            assertEquals(ProgramType.XDP, mystery.type());
            object.load();
            assertEquals(ProgramType.XDP, mystery.info().type());
            IllegalStateException late = assertThrows(IllegalStateException.class,
                    () -> mystery.type(ProgramType.SCHED_CLS, null));
            assertTrue(late.getMessage().contains("set the type of program unknown_section"), late.getMessage());
        }
    }
}
