package dev.bpfj.runtime;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A UDP socket on 127.0.0.1 made with libc, for tests that need the socket's file descriptor (Java's
 * sockets do not expose it): receive with a timeout, close.
 */
@SuppressWarnings("restricted")
final class UdpSocket implements AutoCloseable {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SOCKET = libc("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = libc("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKNAME = libc("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SETSOCKOPT = libc("setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECV = libc("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle CLOSE = libc("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private final int fd;
    private final int port;
    private boolean closed;

    private UdpSocket(int fd, int port) {
        this.fd = fd;
        this.port = port;
    }

    /** A UDP socket bound to 127.0.0.1 on a free port. */
    static UdpSocket bindLoopback() throws Throwable {
        int fd = (int) SOCKET.invokeExact(2 /* AF_INET */, 2 /* SOCK_DGRAM */, 0);
        if (fd < 0) {
            throw new IllegalStateException("socket() failed");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = arena.allocate(16);
            address.set(ValueLayout.JAVA_SHORT, 0, (short) 2);
            address.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 4, 0x7f000001);
            if ((int) BIND.invokeExact(fd, address, 16) < 0) {
                int ignored = (int) CLOSE.invokeExact(fd);
                throw new IllegalStateException("bind() failed");
            }
            MemorySegment length = arena.allocateFrom(JAVA_INT, 16);
            int rc = (int) GETSOCKNAME.invokeExact(fd, address, length);
            if (rc < 0) {
                throw new IllegalStateException("getsockname() failed");
            }
            int port = Short.toUnsignedInt(address.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 2));
            return new UdpSocket(fd, port);
        }
    }

    int fd() {
        return fd;
    }

    int port() {
        return port;
    }

    /** The next datagram as text (as much as the socket kept of it), or null when none came within {@code millis}. */
    String receive(int millis) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment timeout = arena.allocate(16);
            timeout.set(JAVA_LONG, 0, millis / 1000);
            timeout.set(JAVA_LONG, 8, (millis % 1000) * 1000L);
            int rc = (int) SETSOCKOPT.invokeExact(fd, 1 /* SOL_SOCKET */, 20 /* SO_RCVTIMEO */, timeout, 16);
            if (rc < 0) {
                throw new IllegalStateException("setsockopt(SO_RCVTIMEO) failed");
            }
            MemorySegment buffer = arena.allocate(2048);
            long received = (long) RECV.invokeExact(fd, buffer, 2048L, 0);
            if (received < 0) {
                return null;
            }
            return new String(buffer.asSlice(0, received).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            int rc;
            try {
                rc = (int) CLOSE.invokeExact(fd);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            if (rc < 0) {
                throw new IllegalStateException("close() failed");
            }
        }
    }

    private static MethodHandle libc(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor);
    }
}
