package dev.bpfj.runtime;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * An IPv4 socket on 127.0.0.1 made with libc, for tests that need a socket's file descriptor
 * (Java's sockets do not expose it): UDP, a TCP listener or a TCP connection; receive and accept
 * with a timeout, send reporting errno.
 */
@SuppressWarnings("restricted")
final class NativeSocket implements AutoCloseable {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final VarHandle ERRNO_VALUE = Linker.Option.captureStateLayout()
            .varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SOCKET = libc("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = libc("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LISTEN = libc("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CONNECT = libc("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle ACCEPT = libc("accept", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle GETSOCKNAME = libc("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SETSOCKOPT = libc("setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECV = libc("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SEND = LINKER.downcallHandle(LINKER.defaultLookup().find("send").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), ERRNO);
    private static final MethodHandle CLOSE = libc("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final int AF_INET = 2;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int MSG_NOSIGNAL = 0x4000;

    private final int fd;
    private boolean closed;

    private NativeSocket(int fd) {
        this.fd = fd;
    }

    /** A UDP socket bound to 127.0.0.1 on a free port. */
    static NativeSocket udp() throws Throwable {
        NativeSocket socket = create(SOCK_DGRAM);
        socket.bindLoopback();
        return socket;
    }

    /** A TCP socket listening on 127.0.0.1 on a free port. */
    static NativeSocket tcpListener() throws Throwable {
        NativeSocket socket = create(SOCK_STREAM);
        socket.bindLoopback();
        check((int) LISTEN.invokeExact(socket.fd, 16), "listen");
        return socket;
    }

    /** A TCP connection to 127.0.0.1:{@code port}. */
    static NativeSocket tcpConnect(int port) throws Throwable {
        NativeSocket socket = create(SOCK_STREAM);
        try (Arena arena = Arena.ofConfined()) {
            check((int) CONNECT.invokeExact(socket.fd, loopback(arena, port), 16), "connect");
        }
        return socket;
    }

    int fd() {
        return fd;
    }

    /** The local port. */
    int port() throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = arena.allocate(16);
            MemorySegment length = arena.allocateFrom(JAVA_INT, 16);
            check((int) GETSOCKNAME.invokeExact(fd, address, length), "getsockname");
            return Short.toUnsignedInt(address.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 2));
        }
    }

    /** The next connection of a listener, or null when none came within {@code millis}. */
    NativeSocket accept(int millis) throws Throwable {
        timeout(millis);
        int accepted = (int) ACCEPT.invokeExact(fd, MemorySegment.NULL, MemorySegment.NULL);
        return accepted < 0 ? null : new NativeSocket(accepted);
    }

    /** Receives up to 2 KiB as text (as much as the socket kept), or null when nothing came within {@code millis}. */
    String receive(int millis) throws Throwable {
        timeout(millis);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(2048);
            long received = (long) RECV.invokeExact(fd, buffer, 2048L, 0);
            if (received < 0) {
                return null;
            }
            return new String(buffer.asSlice(0, received).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII);
        }
    }

    /** Sends {@code text}; 0 when it was sent whole, else the errno. */
    int send(String text) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
            MemorySegment capture = arena.allocate(Linker.Option.captureStateLayout());
            long sent = (long) SEND.invokeExact(capture, fd, arena.allocateFrom(ValueLayout.JAVA_BYTE, bytes),
                    (long) bytes.length, MSG_NOSIGNAL);
            return sent == bytes.length ? 0 : sent < 0 ? (int) ERRNO_VALUE.get(capture, 0L) : -1;
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

    private static NativeSocket create(int type) throws Throwable {
        int fd = (int) SOCKET.invokeExact(AF_INET, type, 0);
        check(fd, "socket");
        return new NativeSocket(fd);
    }

    private void bindLoopback() throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) BIND.invokeExact(fd, loopback(arena, 0), 16);
            if (rc < 0) {
                close();
                check(rc, "bind");
            }
        }
    }

    private void timeout(int millis) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment timeval = arena.allocate(16);
            timeval.set(JAVA_LONG, 0, millis / 1000);
            timeval.set(JAVA_LONG, 8, (millis % 1000) * 1000L);
            check((int) SETSOCKOPT.invokeExact(fd, 1 /* SOL_SOCKET */, 20 /* SO_RCVTIMEO */, timeval, 16), "setsockopt");
        }
    }

    private static MemorySegment loopback(Arena arena, int port) {
        MemorySegment address = arena.allocate(16);
        address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
        address.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) port);
        address.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 4, 0x7f000001);
        return address;
    }

    private static void check(int rc, String call) {
        if (rc < 0) {
            throw new IllegalStateException(call + "() failed");
        }
    }

    private static MethodHandle libc(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor);
    }
}
