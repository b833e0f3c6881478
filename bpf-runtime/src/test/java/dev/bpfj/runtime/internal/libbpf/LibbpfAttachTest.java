package dev.bpfj.runtime.internal.libbpf;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpfj.runtime.BpfException;
import dev.bpfj.test.KernelTest;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import org.junit.jupiter.api.Test;

/** Functions newer than the oldest supported libbpf fail at call time, saying which libbpf they need. */
@KernelTest
class LibbpfAttachTest {

    @Test
    void aMissingFunctionNamesTheLibbpfItNeeds() {
        BpfException old = assertThrows(BpfException.class,
                () -> LibbpfAttach.require(null, "bpf_program__attach_future", "9.9"));
        assertTrue(old.getMessage().startsWith("call libbpf function bpf_program__attach_future: needs libbpf >= 9.9, but this"
                + " machine has libbpf " + Native.libbpfVersion()), old.getMessage());
        MethodHandle present = MethodHandles.constant(int.class, 1);
        assertSame(present, LibbpfAttach.require(present, "anything", "1.0"));
    }

    @Test
    void presenceFollowsTheLoadedLibrary() {
        assertTrue(LibbpfAttach.has("bpf_program__attach_iter"), "in every libbpf 1.x");
        assertFalse(LibbpfAttach.has("bpf_program__attach_no_such_function"));
    }
}
