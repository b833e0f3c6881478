package dev.bpfj.examples.opensnoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The entry class's reading of Java versions and its message. */
class MainTest {

    @Test
    void featureVersionOfOldAndNewSpecifications() {
        assertEquals(8, Main.feature("1.8"));
        assertEquals(17, Main.feature("17"));
        assertEquals(25, Main.feature("25"));
        assertEquals(Integer.MAX_VALUE, Main.feature(null));
        assertEquals(Integer.MAX_VALUE, Main.feature("unknown"));
    }

    @Test
    void theMessageNamesTheNeededAndTheRunningJava() {
        String message = Main.tooOld(11, "/opt/jdk-11");
        assertTrue(message.startsWith("opensnoop: needs Java 22 or newer; this is Java 11 (/opt/jdk-11)."), message);
        assertTrue(message.contains("examples/opensnoop/opensnoop"), message);
    }
}
