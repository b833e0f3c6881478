package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.Environment;
import dev.bpfj.runtime.internal.libbpf.Errno;
import dev.bpfj.runtime.internal.libbpf.TestRun;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@link BpfProgram#testRun(TestRunRequest)}: checks a request against what the kernel accepts for
 * the program's type, fills {@code struct bpf_test_run_opts} with buffers of exactly the sizes it
 * names, and turns the kernel's answer into a {@link TestRunResult} or an error that says why.
 */
final class TestRuns {

    /** The types whose kernel ops have a {@code test_run} (Linux 6.x); others get ENOTSUPP. */
    static final Set<ProgramType> SUPPORTED = EnumSet.of(ProgramType.SOCKET_FILTER, ProgramType.SCHED_CLS,
            ProgramType.SCHED_ACT, ProgramType.XDP, ProgramType.CGROUP_SKB, ProgramType.LWT_IN, ProgramType.LWT_OUT,
            ProgramType.LWT_XMIT, ProgramType.LWT_SEG6LOCAL, ProgramType.FLOW_DISSECTOR, ProgramType.SK_LOOKUP,
            ProgramType.RAW_TRACEPOINT, ProgramType.TRACING, ProgramType.STRUCT_OPS, ProgramType.SYSCALL,
            ProgramType.NETFILTER);

    /** ENODEV: the context names an interface that does not exist. */
    private static final int ENODEV = 19;

    /** The raw tracepoint test run takes at most MAX_BPF_FUNC_ARGS (12) u64 arguments. */
    private static final int RAW_TP_MAX_CONTEXT = 12 * 8;
    /** A syscall program's context is limited to U16_MAX bytes. */
    private static final int SYSCALL_MAX_CONTEXT = 0xffff;

    private TestRuns() {
    }

    static TestRunResult run(BpfProgram program, int fd, ProgramType type, TestRunRequest request) {
        String target = program.name() + " (" + program.sectionName() + ")";
        checkShape(target, type, request);
        int outputContextSize = outputContextSize(type, request);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = arena.allocate(TestRun.OPTS_SIZE, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, TestRun.OPTS_SIZE);
            MemorySegment dataIn = copy(arena, request.rawData());
            MemorySegment contextIn = copy(arena, request.rawContext());
            MemorySegment dataOut = request.outputDataSize() > 0 ? arena.allocate(request.outputDataSize(), 8) : null;
            MemorySegment contextOut = outputContextSize > 0 ? arena.allocate(outputContextSize, 8) : null;
            // A NULL buffer goes with size 0, and every non-NULL buffer with its own exact size:
            // the kernel copies min(produced, size) bytes out, except when size is 0, when it
            // copies everything, which is why an output pointer is never passed with size 0.
            set(opts, TestRun.DATA_IN, TestRun.DATA_SIZE_IN, dataIn);
            set(opts, TestRun.DATA_OUT, TestRun.DATA_SIZE_OUT, dataOut);
            set(opts, TestRun.CTX_IN, TestRun.CTX_SIZE_IN, contextIn);
            set(opts, TestRun.CTX_OUT, TestRun.CTX_SIZE_OUT, contextOut);
            opts.set(ValueLayout.JAVA_INT, TestRun.REPEAT, request.repeat());
            opts.set(ValueLayout.JAVA_INT, TestRun.FLAGS, request.flags());
            opts.set(ValueLayout.JAVA_INT, TestRun.CPU, request.cpu());

            int rc = TestRun.bpf_prog_test_run_opts(fd, opts);
            if (rc < 0) {
                throw failure(target, type, request, outputContextSize, -rc, opts);
            }
            byte[] data = read(dataOut, opts.get(ValueLayout.JAVA_INT, TestRun.DATA_SIZE_OUT));
            byte[] context = type == ProgramType.SYSCALL
                    // The kernel writes a syscall program's context back into the input buffer.
                    ? read(contextIn, request.contextLength())
                    : read(contextOut, opts.get(ValueLayout.JAVA_INT, TestRun.CTX_SIZE_OUT));
            return new TestRunResult(opts.get(ValueLayout.JAVA_INT, TestRun.RETVAL), data, context,
                    Integer.toUnsignedLong(opts.get(ValueLayout.JAVA_INT, TestRun.DURATION)));
        }
    }

    /** Rejects requests the kernel would answer with a bare EINVAL, saying what the type takes instead. */
    static void checkShape(String target, ProgramType type, TestRunRequest request) {
        String problem = switch (type) {
            case RAW_TRACEPOINT -> request.rawData() != null || request.outputDataSize() > 0
                    || request.outputContextSize() > 0 || request.repeat() > 1
                    ? "a raw_tp test run takes only a context (the tracepoint's arguments as up to 12 u64 values) "
                    + "and optionally a CPU; no data, output buffers or repeat"
                    : request.contextLength() > RAW_TP_MAX_CONTEXT
                    ? "a raw_tp context holds at most 12 u64 arguments (96 bytes), not " + request.contextLength()
                    : (request.flags() & TestRunRequest.FLAG_XDP_LIVE_FRAMES) != 0
                    ? "FLAG_XDP_LIVE_FRAMES is for XDP programs" : null;
            case SYSCALL -> request.rawData() != null || request.outputDataSize() > 0
                    || request.outputContextSize() > 0 || request.repeat() > 0 || request.flags() != 0
                    ? "a syscall program's test run takes only a context (its argument struct, which the result "
                    + "returns as the program left it); no data, output buffers, repeat, flags or CPU"
                    : request.contextLength() > SYSCALL_MAX_CONTEXT
                    ? "a syscall program's context is at most 65535 bytes, not " + request.contextLength() : null;
            default -> (request.flags() & TestRunRequest.FLAG_RUN_ON_CPU) != 0
                    && SUPPORTED.contains(type) && type != ProgramType.RAW_TRACEPOINT
                    ? "only raw_tp programs run on a chosen CPU (FLAG_RUN_ON_CPU / cpu())"
                    : (request.flags() & TestRunRequest.FLAG_XDP_LIVE_FRAMES) != 0 && type != ProgramType.XDP
                    ? "FLAG_XDP_LIVE_FRAMES is for XDP programs" : null;
        };
        if (problem != null) {
            throw new IllegalArgumentException("cannot test-run program " + target + " of type " + type + ": "
                    + problem + " (request: " + request + ")");
        }
    }

    /** The output context buffer's size: as requested, or by default the input's for the types that copy it out. */
    static int outputContextSize(ProgramType type, TestRunRequest request) {
        if (request.outputContextSize() >= 0) {
            return request.outputContextSize();
        }
        return type == ProgramType.RAW_TRACEPOINT || type == ProgramType.SYSCALL || type == ProgramType.TRACING
                ? 0 : request.contextLength();
    }

    private static BpfException failure(String target, ProgramType type, TestRunRequest request, int outputContextSize,
            int errno, MemorySegment opts) {
        String hint;
        if (errno == Errno.ENOTSUPP || errno == Errno.EOPNOTSUPP) {
            hint = "the kernel cannot test-run " + type + " programs; it can test-run "
                    + SUPPORTED.stream().map(Enum::name).collect(Collectors.joining(", "))
                    + " (tracepoint, kprobe and perf_event programs only run on their events: attach them instead)";
        } else if (errno == Errno.ENOSPC) {
            long needData = Integer.toUnsignedLong(opts.get(ValueLayout.JAVA_INT, TestRun.DATA_SIZE_OUT));
            long needContext = Integer.toUnsignedLong(opts.get(ValueLayout.JAVA_INT, TestRun.CTX_SIZE_OUT));
            hint = needData > request.outputDataSize() && request.outputDataSize() > 0
                    ? "the program produced " + needData + " bytes of data but the output buffer holds "
                    + request.outputDataSize() + "; pass outputDataSize(" + needData + ") or more"
                    : "the program's context is " + needContext + " bytes but the output context buffer holds "
                    + outputContextSize + "; pass outputContextSize(" + needContext + ") or more";
        } else if (errno == Errno.EINVAL) {
            hint = "the kernel rejected the request for a " + type + " program (" + request + "): "
                    + switch (type) {
                        case XDP -> "the data must be a whole Ethernet frame (at least 14 bytes, at most a page "
                                + "minus headroom), and an xdp_md context may set only data_meta, ingress_ifindex "
                                + "and rx_queue_index";
                        case SCHED_CLS, SCHED_ACT, SOCKET_FILTER, CGROUP_SKB, LWT_IN, LWT_OUT, LWT_XMIT, LWT_SEG6LOCAL ->
                                "the data must be a whole Ethernet frame (at least 14 bytes), and a __sk_buff context "
                                + "may set only mark, priority, ingress_ifindex, ifindex, cb, tstamp, wire_len, "
                                + "gso_segs, gso_size and hwtstamp (every other field 0)";
                        case TRACING -> "fentry/fexit programs take no data, context, flags or CPU";
                        default -> "check the data and context sizes this program type expects";
                    };
        } else if (errno == ENODEV) {
            hint = "the context names an interface (ifindex / ingress_ifindex) that does not exist in this network "
                    + "namespace; use 1 (loopback) or leave it 0";
        } else {
            hint = Environment.hintFor(errno);
        }
        return new BpfException("test-run program", target, errno, hint);
    }

    private static MemorySegment copy(Arena arena, byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return null;
        }
        MemorySegment segment = arena.allocate(bytes.length, 8);
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return segment;
    }

    private static void set(MemorySegment opts, long pointerOffset, long sizeOffset, MemorySegment buffer) {
        opts.set(ValueLayout.ADDRESS, pointerOffset, buffer == null ? MemorySegment.NULL : buffer);
        opts.set(ValueLayout.JAVA_INT, sizeOffset, buffer == null ? 0 : Math.toIntExact(buffer.byteSize()));
    }

    /** The first {@code length} bytes of {@code buffer}, never more than it holds. */
    private static byte[] read(MemorySegment buffer, int length) {
        if (buffer == null) {
            return new byte[0];
        }
        long size = Math.min(Integer.toUnsignedLong(length), buffer.byteSize());
        return buffer.asSlice(0, size).toArray(ValueLayout.JAVA_BYTE);
    }
}
