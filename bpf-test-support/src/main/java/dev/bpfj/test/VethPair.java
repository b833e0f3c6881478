package dev.bpfj.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A veth pair for the networking tests: the host end in this (the root) network namespace, the
 * peer end in a network namespace of its own, each with an IPv4 address of a random /30 in
 * 10.64.0.0/10. Names carry the pid and a random suffix, so tests running at the same time on the
 * machine do not collide; {@link #close()} deletes the pair and the namespace.
 */
public final class VethPair implements AutoCloseable {

    /** See the class comment. */
    public final String namespace;
    /** See the class comment. */
    public final String host;
    /** See the class comment. */
    public final String peer;
    /** See the class comment. */
    public final String hostAddress;
    /** See the class comment. */
    public final String peerAddress;

    private VethPair(String namespace, String host, String peer, String hostAddress, String peerAddress) {
        this.namespace = namespace;
        this.host = host;
        this.peer = peer;
        this.hostAddress = hostAddress;
        this.peerAddress = peerAddress;
    }

    /**
     * Creates the namespace and the pair, addresses them and brings them up; cleans up on failure.
     *
     * @param tag    names the user in the namespace ({@code bpfj-TAG-…}); its first letter goes into
     *               the interface names ({@code bTh…}, {@code bTp…}), so two suites that run at the
     *               same time give different tags
     * @return the pair, to be closed by the caller
     */
    public static VethPair create(String tag) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String suffix = Long.toString(ProcessHandle.current().pid() % 100000, 36) + Integer.toString(random.nextInt(36 * 36 * 36), 36);
        int subnet = (64 << 16) | random.nextInt(1 << 20) << 2;   // 10.64.0.0/10, in /30 steps
        String base = "10." + ((subnet >> 16) & 0xff) + "." + ((subnet >> 8) & 0xff) + ".";
        int last = subnet & 0xff;
        char letter = tag.charAt(0);
        VethPair pair = new VethPair("bpfj-" + tag + "-" + suffix, "b" + letter + "h" + suffix, "b" + letter + "p" + suffix,
                base + (last + 1), base + (last + 2));
        try {
            run("ip", "netns", "add", pair.namespace);
            run("ip", "link", "add", pair.host, "type", "veth", "peer", "name", pair.peer, "netns", pair.namespace);
            run("ip", "addr", "add", pair.hostAddress + "/30", "dev", pair.host);
            run("ip", "link", "set", pair.host, "up");
            run("ip", "-n", pair.namespace, "addr", "add", pair.peerAddress + "/30", "dev", pair.peer);
            run("ip", "-n", pair.namespace, "link", "set", pair.peer, "up");
            run("ip", "-n", pair.namespace, "link", "set", "lo", "up");
            return pair;
        } catch (RuntimeException e) {
            pair.close();
            throw e;
        }
    }

    /** Sends {@code count} UDP datagrams with {@code payload} from the peer's namespace to the host end's {@code port}. */
    public void sendFromPeer(int port, String payload, int count) {
        sendFromPeer(hostAddress, port, payload, count);
    }

    /** Sends {@code count} UDP datagrams from the peer's namespace to {@code address}:{@code port}, one socket each. */
    public void sendFromPeer(String address, int port, String payload, int count) {
        String script = "for i in $(seq " + count + "); do printf '%s' '" + payload + "' > /dev/udp/" + address + "/"
                + port + " || exit 1; done";
        run("ip", "netns", "exec", namespace, "bash", "-c", script);
    }

    /** Deletes the pair (deleting one end deletes both) and the namespace; never throws. */
    @Override
    public void close() {
        List<String> failures = new ArrayList<>();
        tryRun(failures, "ip", "link", "del", host);
        tryRun(failures, "ip", "netns", "del", namespace);
        if (!failures.isEmpty() && Boolean.getBoolean("bpfj.verboseCleanup")) {
            System.err.println("veth cleanup: " + failures);
        }
    }

    private static void tryRun(List<String> failures, String... command) {
        try {
            run(command);
        } catch (RuntimeException e) {
            failures.add(e.getMessage());
        }
    }

    /**
     * Runs a command, failing with its output when it exits non-zero.
     *
     * @param command the command and its arguments
     * @return what it printed
     */
    public static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output;
            try (var in = process.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue()
                        + ": " + output.strip());
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
