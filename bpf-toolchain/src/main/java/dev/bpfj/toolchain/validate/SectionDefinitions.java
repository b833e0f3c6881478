package dev.bpfj.toolchain.validate;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The program section names libbpf 1.x recognises in {@code SEC("...")}, and what each one needs
 * after its prefix. Written from libbpf's documented section names (libbpf's "Program types
 * and ELF sections" page and its section table); kept in the same order as libbpf matches them.
 *
 * <p>Matching rules, as libbpf applies them: an {@link Form#EXACT} name must match the whole
 * section; a {@link Form#EXTENSIBLE} name matches itself alone or followed by {@code /} and
 * anything (e.g. {@code kprobe} and {@code kprobe/do_sys_open}). A leading {@code ?} (do not
 * load automatically) is not part of the name.
 */
final class SectionDefinitions {

    /** How a name matches. */
    enum Form {
        /** The section is exactly this name. */
        EXACT,
        /** The section is this name, or this name followed by {@code /} and an attach target. */
        EXTENSIBLE
    }

    /** What must follow an extensible name. */
    enum Target {
        /** Nothing or anything: the program can be attached by hand. */
        OPTIONAL,
        /** {@code category/name} of a tracepoint; bare is allowed but cannot attach automatically. */
        TRACEPOINT,
        /** A raw tracepoint name without category; bare is allowed but cannot attach automatically. */
        RAW_TRACEPOINT,
        /** A kernel symbol resolved through BTF at load time ({@code fentry/do_unlinkat}): required. */
        BTF_TARGET
    }

    /**
     * One known section name.
     *
     * @param name   the name without libbpf's {@code +} marker
     * @param form   how it matches
     * @param target what must follow it
     */
    record Definition(String name, Form form, Target target) {
    }

    static final List<Definition> ALL = List.of(
            exact("socket"),
            exact("sk_reuseport/migrate"), exact("sk_reuseport"),
            ext("kprobe"), ext("uprobe"), ext("uprobe.s"), ext("kretprobe"), ext("uretprobe"), ext("uretprobe.s"),
            ext("kprobe.multi"), ext("kretprobe.multi"), ext("kprobe.session"),
            ext("uprobe.multi"), ext("uretprobe.multi"), ext("uprobe.multi.s"), ext("uretprobe.multi.s"),
            ext("uprobe.session"), ext("uprobe.session.s"),
            ext("ksyscall"), ext("kretsyscall"), ext("usdt"), ext("usdt.s"),
            exact("tc/ingress"), exact("tc/egress"), exact("tcx/ingress"), exact("tcx/egress"),
            exact("tc"), exact("classifier"), exact("action"),
            exact("netkit/primary"), exact("netkit/peer"),
            ext("tracepoint", Target.TRACEPOINT), ext("tp", Target.TRACEPOINT),
            ext("tracepoint.s", Target.TRACEPOINT), ext("tp.s", Target.TRACEPOINT),
            ext("raw_tracepoint", Target.RAW_TRACEPOINT), ext("raw_tp", Target.RAW_TRACEPOINT),
            ext("raw_tracepoint.s", Target.RAW_TRACEPOINT), ext("raw_tp.s", Target.RAW_TRACEPOINT),
            ext("raw_tracepoint.w", Target.RAW_TRACEPOINT), ext("raw_tp.w", Target.RAW_TRACEPOINT),
            ext("tp_btf", Target.BTF_TARGET), ext("tp_btf.s", Target.BTF_TARGET),
            ext("fentry", Target.BTF_TARGET), ext("fmod_ret", Target.BTF_TARGET),
            ext("fexit", Target.BTF_TARGET), ext("fentry.s", Target.BTF_TARGET), ext("fmod_ret.s", Target.BTF_TARGET),
            ext("fexit.s", Target.BTF_TARGET),
            // Newer libbpf (1.7+): session programs run on both entry and exit; .multi forms attach
            // one program to many functions and take a pattern, so they need no single target.
            ext("fsession", Target.BTF_TARGET), ext("fsession.s", Target.BTF_TARGET),
            ext("fsession.multi"), ext("fsession.multi.s"),
            ext("fentry.multi"), ext("fexit.multi"), ext("fentry.multi.s"), ext("fexit.multi.s"),
            ext("freplace", Target.BTF_TARGET),
            ext("lsm", Target.BTF_TARGET), ext("lsm.s", Target.BTF_TARGET), ext("lsm_cgroup", Target.BTF_TARGET),
            ext("iter", Target.BTF_TARGET), ext("iter.s", Target.BTF_TARGET),
            exact("syscall"),
            exact("xdp.frags/devmap"), exact("xdp/devmap"), exact("xdp.frags/cpumap"), exact("xdp/cpumap"),
            exact("xdp.frags"), exact("xdp"),
            exact("perf_event"),
            exact("lwt_in"), exact("lwt_out"), exact("lwt_xmit"), exact("lwt_seg6local"),
            exact("sockops"),
            exact("sk_skb/stream_parser"), exact("sk_skb/stream_verdict"), exact("sk_skb/verdict"), exact("sk_skb"),
            exact("sk_msg"), exact("lirc_mode2"), exact("flow_dissector"),
            exact("cgroup_skb/ingress"), exact("cgroup_skb/egress"), exact("cgroup/skb"),
            exact("cgroup/sock_create"), exact("cgroup/sock_release"), exact("cgroup/sock"),
            exact("cgroup/post_bind4"), exact("cgroup/post_bind6"),
            exact("cgroup/bind4"), exact("cgroup/bind6"),
            exact("cgroup/connect4"), exact("cgroup/connect6"), exact("cgroup/connect_unix"),
            exact("cgroup/sendmsg4"), exact("cgroup/sendmsg6"), exact("cgroup/sendmsg_unix"),
            exact("cgroup/recvmsg4"), exact("cgroup/recvmsg6"), exact("cgroup/recvmsg_unix"),
            exact("cgroup/getpeername4"), exact("cgroup/getpeername6"), exact("cgroup/getpeername_unix"),
            exact("cgroup/getsockname4"), exact("cgroup/getsockname6"), exact("cgroup/getsockname_unix"),
            exact("cgroup/sysctl"), exact("cgroup/getsockopt"), exact("cgroup/setsockopt"), exact("cgroup/dev"),
            ext("struct_ops"), ext("struct_ops.s"),
            exact("sk_lookup"), exact("netfilter"));

    private SectionDefinitions() {
    }

    private static Definition exact(String name) {
        return new Definition(name, Form.EXACT, Target.OPTIONAL);
    }

    private static Definition ext(String name) {
        return new Definition(name, Form.EXTENSIBLE, Target.OPTIONAL);
    }

    private static Definition ext(String name, Target target) {
        return new Definition(name, Form.EXTENSIBLE, target);
    }

    /**
     * Removes libbpf's "do not autoload" marker.
     *
     * @param section a section name as written in SEC()
     * @return the name libbpf matches
     */
    static String withoutAutoloadMarker(String section) {
        return section.startsWith("?") ? section.substring(1) : section;
    }

    /**
     * Finds the definition libbpf would use for a section, first match wins as in libbpf.
     *
     * @param section the section name (without a leading {@code ?})
     * @return the matching definition, or empty if libbpf would not recognise the section
     */
    static Optional<Definition> match(String section) {
        for (Definition definition : ALL) {
            if (section.equals(definition.name())
                    || definition.form() == Form.EXTENSIBLE && section.startsWith(definition.name() + "/")) {
                return Optional.of(definition);
            }
        }
        return Optional.empty();
    }

    /**
     * Section starts that libbpf before 1.0 took for a program type whatever followed
     * ({@code SEC("xdp_router")} was XDP), with that type; libbpf 1.0 dropped the rule, and bpfj's
     * runtime applies it at open (its {@code LegacySections} has the same list). Only prefixes whose
     * type is unambiguous: {@code sk_skb...} is not here.
     */
    private static final String[][] LEGACY_PREFIXES = {
        {"xdp_devmap", "BPF_PROG_TYPE_XDP (devmap)"}, {"xdp_cpumap", "BPF_PROG_TYPE_XDP (cpumap)"},
        {"xdp", "BPF_PROG_TYPE_XDP"}, {"classifier", "BPF_PROG_TYPE_SCHED_CLS"}, {"action", "BPF_PROG_TYPE_SCHED_ACT"},
        {"tc", "BPF_PROG_TYPE_SCHED_CLS"}, {"socket", "BPF_PROG_TYPE_SOCKET_FILTER"},
        {"perf_event", "BPF_PROG_TYPE_PERF_EVENT"}, {"lwt_in", "BPF_PROG_TYPE_LWT_IN"}, {"lwt_out", "BPF_PROG_TYPE_LWT_OUT"},
        {"lwt_xmit", "BPF_PROG_TYPE_LWT_XMIT"}, {"lwt_seg6local", "BPF_PROG_TYPE_LWT_SEG6LOCAL"},
        {"sockops", "BPF_PROG_TYPE_SOCK_OPS"}, {"sk_msg", "BPF_PROG_TYPE_SK_MSG"},
        {"flow_dissector", "BPF_PROG_TYPE_FLOW_DISSECTOR"},
    };

    /**
     * The old prefix an unrecognised section starts with, and the program type it gave.
     *
     * @param section a section no libbpf recognises (without the {@code ?} marker)
     * @return {prefix, type}, or empty
     */
    static Optional<String[]> legacyPrefix(String section) {
        for (String[] prefix : LEGACY_PREFIXES) {
            if (section.startsWith(prefix[0])) {
                return Optional.of(prefix);
            }
        }
        return Optional.empty();
    }

    /**
     * The closest recognised section name for an unrecognised one: the known name nearest to
     * the section's leading components, with the rest of the section kept
     * ({@code tracepont/syscalls/x} -> {@code tracepoint/syscalls/x}).
     *
     * @param section an unrecognised section name
     * @return a suggestion, or empty when nothing is close
     */
    static Optional<String> suggest(String section) {
        String[] parts = section.split("/", -1);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Definition definition : ALL) {
            int components = definition.name().split("/", -1).length;
            String head;
            String rest;
            if (definition.form() == Form.EXACT || parts.length <= components) {
                head = definition.form() == Form.EXACT ? section : String.join("/", parts);
                rest = "";
            } else {
                head = String.join("/", Arrays.copyOfRange(parts, 0, components));
                rest = section.substring(head.length());
            }
            int distance = EditDistance.between(head, definition.name());
            if (distance <= EditDistance.tolerance(definition.name()) && distance < bestDistance) {
                bestDistance = distance;
                best = definition.name() + rest;
            }
        }
        if (best == null) {
            // "kprobe_do_sys_open", "tracepoint.syscalls.x": a wrong separator after a known name.
            for (Definition definition : ALL) {
                if (definition.form() == Form.EXTENSIBLE && section.length() > definition.name().length() + 1
                        && section.startsWith(definition.name())
                        && "_.:-".indexOf(section.charAt(definition.name().length())) >= 0) {
                    return Optional.of(definition.name() + "/" + section.substring(definition.name().length() + 1));
                }
            }
        }
        return Optional.ofNullable(best);
    }
}
