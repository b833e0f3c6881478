package dev.bpfj.examples.opensnoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What opensnoop says when it finds no open() tracepoint, for each reason it can tell apart.
 * (Unreadable tracefs needs a non-root process: {@code OpensnoopIT} runs the jar as one.)
 */
class TracefsDiagnosisTest {

    @TempDir
    Path dir;

    @Test
    void unmountedTracefsSaysHowToMountIt() {
        Path tracing = dir.resolve("tracing");
        assertEquals("tracefs is not mounted at " + tracing + ", so there is no open() tracepoint to attach to;"
                + " mount it (as root) with: mount -t tracefs tracefs " + tracing,
                OpensnoopProbe.noSyscallTracepoints(List.of(tracing, dir.resolve("debug/tracing"))));
    }

    @Test
    void anEmptyMountPointIsUnmounted() throws Exception {
        Path tracing = Files.createDirectory(dir.resolve("tracing"));
        assertTrue(OpensnoopProbe.noSyscallTracepoints(List.of(tracing)).startsWith("tracefs is not mounted at "));
    }

    @Test
    void kernelWithoutSyscallTracepointsNamesTheConfigOption() throws Exception {
        Path tracing = dir.resolve("tracing");
        Files.createDirectories(tracing.resolve("events/sched"));
        String message = OpensnoopProbe.noSyscallTracepoints(List.of(dir.resolve("absent"), tracing));
        assertTrue(message.contains("CONFIG_FTRACE_SYSCALLS=y"), message);
        assertTrue(message.contains(tracing.resolve("events/syscalls").toString()), message);
    }

    @Test
    void syscallsWithoutAnyOpenTracepointNamesThem() throws Exception {
        Path tracing = dir.resolve("tracing");
        Files.createDirectories(tracing.resolve("events/syscalls/sys_enter_read"));
        String message = OpensnoopProbe.noSyscallTracepoints(List.of(tracing));
        assertTrue(message.startsWith("none of the tracepoints syscalls:sys_enter_open, "), message);
    }
}
