package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.LibbpfNet;
import dev.bpfj.runtime.internal.libbpf.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The socket filter kind: an {@code SEC("socket")} program on one socket with
 * {@code setsockopt(SO_ATTACH_BPF)} (kernel 3.19+). The program's return value is how many bytes
 * of each packet the socket keeps: 0 drops it, less than its length truncates it. A socket has one
 * filter; attaching replaces the one it had.
 *
 * <p>The socket belongs to the caller. Closing the link detaches the filter
 * ({@code SO_DETACH_BPF}), but only from the same socket: its {@code SO_COOKIE} is recorded at
 * attach and checked first, so a socket closed in the meantime, whose fd number another socket
 * got since, keeps its filter.
 */
final class SocketFilterAttachment {

    private static final int SOL_SOCKET = 1;
    private static final int SO_DETACH_BPF = 27;
    private static final int SO_ATTACH_BPF = 50;
    private static final int SO_COOKIE = 57;
    private static final int EBADF = 9;
    private static final int ENOTSOCK = 88;

    private SocketFilterAttachment() {
    }

    static BpfLink attach(BpfProgram program, int socketFd) {
        String target = "socket fd " + socketFd;
        int progFd = NetAttach.programFd(program, target);
        NetAttach.requireType(program, target, "SEC(\"socket\")", ProgramType.SOCKET_FILTER);
        long cookie;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = Native.captureSegment(arena);
            cookie = cookie(arena, capture, socketFd);
            if (cookie < 0) {
                int errno = (int) -cookie;
                throw NetAttach.failure(program, target, errno, errno == EBADF ? "fd " + socketFd + " is not open"
                        : errno == ENOTSOCK ? "fd " + socketFd + " is not a socket" : null);
            }
            MemorySegment value = arena.allocateFrom(ValueLayout.JAVA_INT, progFd);
            if (LibbpfNet.setsockopt(capture, socketFd, SOL_SOCKET, SO_ATTACH_BPF, value, 4) < 0) {
                throw NetAttach.failure(program, target, Native.errno(capture), null);
            }
        }
        String what = "socket filter " + program.name() + " from " + target;
        return NetAttach.register(program, new BpfLink(program, -1, () -> detach(socketFd, cookie, what)));
    }

    private static void detach(int socketFd, long cookie, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = Native.captureSegment(arena);
            if (cookie(arena, capture, socketFd) != cookie) {
                return; // the socket is gone; its filter went with it
            }
            MemorySegment unused = arena.allocateFrom(ValueLayout.JAVA_INT, 0);
            if (LibbpfNet.setsockopt(capture, socketFd, SOL_SOCKET, SO_DETACH_BPF, unused, 4) < 0) {
                NetAttach.detachFailed(what, Native.errno(capture));
            }
        }
    }

    /** The socket's cookie (unique while the system runs), or -errno. */
    private static long cookie(Arena arena, MemorySegment capture, int socketFd) {
        MemorySegment value = arena.allocate(ValueLayout.JAVA_LONG);
        MemorySegment length = arena.allocateFrom(ValueLayout.JAVA_INT, 8);
        if (LibbpfNet.getsockopt(capture, socketFd, SOL_SOCKET, SO_COOKIE, value, length) < 0) {
            return -Native.errno(capture);
        }
        return value.get(ValueLayout.JAVA_LONG, 0);
    }
}
