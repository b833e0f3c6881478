package dev.bpfj.runtime;

import dev.bpfj.runtime.internal.libbpf.Errno;
import dev.bpfj.runtime.internal.libbpf.LibbpfLog;
import dev.bpfj.runtime.internal.libbpf.LibbpfNet;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;

/**
 * The classic tc attach kind: a classifier program ({@code SEC("tc")} or {@code SEC("classifier")})
 * as a direct-action {@code cls_bpf} filter on the interface's {@code clsact} qdisc, through
 * libbpf's {@code bpf_tc_hook_create} and {@code bpf_tc_attach} (kernel 4.5+ for clsact with
 * direct action, libbpf 0.4+). Works on kernels without tcx.
 *
 * <p>The qdisc is created when the interface has none. Closing the link removes our filter and,
 * once the last of this process's filters on a qdisc it created is gone, the qdisc as well, like
 * {@code tc qdisc del dev IF clsact} (which also removes filters others added to it since). A
 * qdisc that was there before is left alone.
 */
final class TcAttachment {

    private static final long HOOK_SIZE = 24;
    private static final long OPTS_SIZE = 32;
    private static final int BOTH_POINTS = 1 | 2;
    private static final String SECTIONS = "SEC(\"tc\") or SEC(\"classifier\")";
    /** Interfaces whose clsact qdisc this process created, with the number of our filters on each. */
    private static final Map<Integer, Integer> CREATED_QDISCS = new HashMap<>();

    private TcAttachment() {
    }

    static BpfLink attach(BpfProgram program, int ifindex, TcDirection direction) {
        String target = "tc " + direction.label() + " (clsact) of " + NetAttach.interfaceLabel(ifindex);
        int progFd = NetAttach.programFd(program, target);
        NetAttach.requireType(program, target, SECTIONS, ProgramType.SCHED_CLS);
        int handle;
        int priority;
        synchronized (CREATED_QDISCS) {
            try (Arena arena = Arena.ofConfined(); LibbpfLog.Capture log = LibbpfLog.capture()) {
                MemorySegment hook = hook(arena, ifindex, direction.tcAttachPoint());
                int rc = LibbpfNet.bpf_tc_hook_create(hook);
                boolean created = rc == 0;
                if (rc < 0 && -rc != Errno.EEXIST) {
                    throw NetAttach.failure(program, target, -rc, "could not create the clsact qdisc (is the kernel "
                            + "built with CONFIG_NET_SCH_INGRESS?)", log.lastWarnings(2));
                }
                MemorySegment opts = arena.allocate(OPTS_SIZE, 8);
                opts.set(ValueLayout.JAVA_LONG, 0, OPTS_SIZE);
                opts.set(ValueLayout.JAVA_INT, 8, progFd);
                rc = LibbpfNet.bpf_tc_attach(hook, opts);
                if (rc < 0) {
                    if (created) {
                        LibbpfNet.bpf_tc_hook_destroy(hook(arena, ifindex, BOTH_POINTS));
                    }
                    throw NetAttach.failure(program, target, -rc, -rc == Errno.EINVAL
                            ? "the kernel refused the cls_bpf filter (needs CONFIG_NET_CLS_BPF)" : null, log.lastWarnings(2));
                }
                handle = opts.get(ValueLayout.JAVA_INT, 20);
                priority = opts.get(ValueLayout.JAVA_INT, 24);
                if (created) {
                    CREATED_QDISCS.put(ifindex, 1);
                } else {
                    CREATED_QDISCS.computeIfPresent(ifindex, (key, count) -> count + 1);
                }
            }
        }
        String what = "tc filter of program " + program.name() + " from " + target;
        return NetAttach.register(program, new BpfLink(program, -1,
                () -> detach(ifindex, direction, handle, priority, what)));
    }

    private static void detach(int ifindex, TcDirection direction, int handle, int priority, String what) {
        synchronized (CREATED_QDISCS) {
            try (Arena arena = Arena.ofConfined(); LibbpfLog.Capture log = LibbpfLog.capture()) {
                MemorySegment opts = arena.allocate(OPTS_SIZE, 8);
                opts.set(ValueLayout.JAVA_LONG, 0, OPTS_SIZE);
                opts.set(ValueLayout.JAVA_INT, 20, handle);
                opts.set(ValueLayout.JAVA_INT, 24, priority);
                int rc = LibbpfNet.bpf_tc_detach(hook(arena, ifindex, direction.tcAttachPoint()), opts);
                if (rc < 0) {
                    NetAttach.detachFailed(what, -rc, log.lastWarnings(2));
                }
                Integer count = CREATED_QDISCS.get(ifindex);
                if (count != null) {
                    if (count > 1) {
                        CREATED_QDISCS.put(ifindex, count - 1);
                    } else {
                        CREATED_QDISCS.remove(ifindex);
                        rc = LibbpfNet.bpf_tc_hook_destroy(hook(arena, ifindex, BOTH_POINTS));
                        if (rc < 0) {
                            NetAttach.detachFailed("the clsact qdisc of " + NetAttach.interfaceLabel(ifindex), -rc,
                                    log.lastWarnings(2));
                        }
                    }
                }
            }
        }
    }

    private static MemorySegment hook(Arena arena, int ifindex, int attachPoint) {
        MemorySegment hook = arena.allocate(HOOK_SIZE, 8);
        hook.set(ValueLayout.JAVA_LONG, 0, HOOK_SIZE);
        hook.set(ValueLayout.JAVA_INT, 8, ifindex);
        hook.set(ValueLayout.JAVA_INT, 12, attachPoint);
        return hook;
    }
}
