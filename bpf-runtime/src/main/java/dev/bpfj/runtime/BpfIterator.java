package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.Environment;
import dev.bpfj.runtime.internal.libbpf.Errno;
import dev.bpfj.runtime.internal.libbpf.Libc;
import dev.bpfj.runtime.internal.libbpf.LibbpfAttach;
import dev.bpfj.runtime.internal.libbpf.Native;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A BPF iterator: the link of a {@code SEC("iter/…")} program, from
 * {@link BpfProgram#iterate()}. Every {@link #open()} runs the iterator once more in the kernel
 * ({@code bpf_iter_create}), and reading the stream to its end returns what the program wrote with
 * {@code bpf_seq_printf}/{@code bpf_seq_write} for every element (task, file, map element, socket…).
 *
 * <pre>{@code
 * try (BpfIterator tasks = object.program("dump_tasks").iterate()) {
 *     System.out.print(tasks.readString());
 * }
 * }</pre>
 *
 * <p>Closing the iterator closes its link; its object also closes it.
 */
public final class BpfIterator implements AutoCloseable {

    private final BpfLink link;

    BpfIterator(BpfLink link) {
        this.link = link;
    }

    /** The iterator link (pin it to let {@code cat /sys/fs/bpf/<path>} run the iterator). */
    public BpfLink link() {
        return link;
    }

    /**
     * Starts a new pass of the iterator and returns its output as a stream; close the stream to
     * release the pass's file descriptor. Reads block while the kernel runs the program.
     *
     * @throws BpfException when the kernel refuses to start a pass
     */
    public InputStream open() {
        if (link.isClosed()) {
            throw new IllegalStateException("cannot run the iterator of program " + name() + ": its link is closed");
        }
        int fd = LibbpfAttach.bpf_iter_create(link.fd());
        if (fd < 0) {
            int errno = -fd;
            throw new BpfException("run iterator of program", name(), errno, Environment.hintFor(errno));
        }
        return new Output(fd, name());
    }

    /** Runs the iterator once and returns all of its output. */
    public byte[] readAllBytes() {
        try (InputStream in = open()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading the iterator of program " + name(), e);
        }
    }

    /** Runs the iterator once and returns its output as UTF-8 text. */
    public String readString() {
        return new String(readAllBytes(), StandardCharsets.UTF_8);
    }

    /** Closes the iterator link; idempotent. Streams already open finish their pass. */
    @Override
    public void close() {
        link.close();
    }

    private String name() {
        BpfProgram program = link.program();
        return program == null ? "(pinned iterator)" : program.name();
    }

    /** The output of one pass, read with read(2) from the iterator fd. */
    private static final class Output extends InputStream {
        private final String name;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment buffer = arena.allocate(64 * 1024);
        private final MemorySegment capture = Native.captureSegment(arena);
        private int fd;

        Output(int fd, String name) {
            this.fd = fd;
            this.name = name;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public synchronized int read(byte[] bytes, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, bytes.length);
            if (fd < 0) {
                throw new IOException("the output of iterator " + name + " is closed");
            }
            if (length == 0) {
                return 0;
            }
            while (true) {
                long n = Libc.read(capture, fd, buffer, Math.min(length, buffer.byteSize()));
                if (n > 0) {
                    MemorySegment.copy(buffer, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes, offset, (int) n);
                    return (int) n;
                }
                if (n == 0) {
                    return -1;
                }
                int errno = Native.errno(capture);
                if (errno != Errno.EINTR && errno != Errno.EAGAIN) {
                    throw new IOException("read iterator " + name + ": " + Errno.message(errno) + " (" + Errno.name(errno) + ")"
                            + (errno == 7 /* E2BIG */ ? "; one element's output exceeded the kernel's seq_file page" : ""));
                }
            }
        }

        @Override
        public synchronized void close() {
            if (fd >= 0) {
                Libc.close(capture, fd);
                fd = -1;
                arena.close();
            }
        }
    }
}
