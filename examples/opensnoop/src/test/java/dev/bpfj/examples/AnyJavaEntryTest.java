package dev.bpfj.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The examples' entry class: its reading of Java versions and its message (tested here, compiled into every example). */
class AnyJavaEntryTest {

    @Test
    void featureVersionOfOldAndNewSpecifications() {
        assertEquals(8, AnyJavaEntry.feature("1.8"));
        assertEquals(17, AnyJavaEntry.feature("17"));
        assertEquals(25, AnyJavaEntry.feature("25"));
        assertEquals(Integer.MAX_VALUE, AnyJavaEntry.feature(null));
        assertEquals(Integer.MAX_VALUE, AnyJavaEntry.feature("unknown"));
    }

    @Test
    void theMessageNamesTheNeededAndTheRunningJavaAndTheLauncherWhenThereIsOne() {
        String message = AnyJavaEntry.tooOld("opensnoop", "examples/opensnoop/opensnoop", 11, "/opt/jdk-11");
        assertTrue(message.startsWith("opensnoop: needs Java 22 or newer; this is Java 11 (/opt/jdk-11)."), message);
        assertTrue(message.contains("/bin/java -jar opensnoop.jar"), message);
        assertTrue(message.contains("or use the launcher examples/opensnoop/opensnoop"), message);

        String noLauncher = AnyJavaEntry.tooOld("hello", " ", 17, null);
        assertTrue(noLauncher.startsWith("hello: needs Java 22 or newer; this is Java 17."), noLauncher);
        assertTrue(noLauncher.contains("/bin/java -jar hello.jar"), noLauncher);
        assertFalse(noLauncher.contains("launcher"), noLauncher);
    }
}
