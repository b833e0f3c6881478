package dev.bpfj.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** Kernel CPU lists, as in /sys/devices/system/cpu/online, which name the CPUs of perf buffers. */
class CpuListTest {

    @Test
    void readsRangesAndSingleCpusBelowTheLimit() {
        assertArrayEquals(new int[] {0, 1, 2, 3}, BpfSystem.parseCpuList("0-3\n".strip(), 8));
        assertArrayEquals(new int[] {0, 2, 3, 5}, BpfSystem.parseCpuList("0,2-3,5,7-9", 6));
        assertArrayEquals(new int[] {1}, BpfSystem.parseCpuList("1", 2));
        assertArrayEquals(new int[0], BpfSystem.parseCpuList("", 4));
        assertArrayEquals(new int[] {0, 4}, BpfSystem.parseCpuList("0,x-y,4", 8));
    }
}
