package dev.bpfj.toolchain.skeleton;

import dev.bpfj.toolchain.object.ProgramSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The skeleton's typed attach methods: one per program whose section kind needs arguments from
 * the application (an interface, a cgroup, a binary, a sampling rate...), named after the program
 * ({@code attachHandleXdp(String interfaceName)}, {@code iterateDumpTasks()}), and one register
 * method per struct_ops map. Each calls the runtime method of that kind and records the link so
 * that {@code links()} returns it. Sections libbpf attaches by itself (with a target, like
 * {@code tp/syscalls/sys_enter_openat}) get none: {@code attach()} covers them.
 */
final class AttachMethods {

    private static final String RT = "dev.bpfj.runtime.";

    /** What each generated parameter means, for the methods' Javadoc. */
    private static final java.util.Map<String, String> PARAM_DOCS = java.util.Map.ofEntries(
            java.util.Map.entry("interfaceName", "the network interface, like {@code eth0}"),
            java.util.Map.entry("direction", "ingress or egress"),
            java.util.Map.entry("cgroupDirectory", "a cgroup v2 directory"),
            java.util.Map.entry("socketFd", "the socket's file descriptor"),
            java.util.Map.entry("netnsFile", "the network namespace file, like {@code /proc/self/ns/net}"),
            java.util.Map.entry("sockMap", "the sockmap or sockhash"),
            java.util.Map.entry("spec", "the perf event and its sampling frequency or period"),
            java.util.Map.entry("pid", "the process to probe, or -1 for every process"),
            java.util.Map.entry("binary", "the executable or shared library"),
            java.util.Map.entry("provider", "the USDT provider"),
            java.util.Map.entry("name", "the USDT probe name"),
            java.util.Map.entry("options", "the function (or offset), pid and cookie"),
            java.util.Map.entry("functionPattern", "a glob over the binary's function names"),
            java.util.Map.entry("pattern", "a glob over kernel function names"),
            java.util.Map.entry("family", "INET for IPv4 packets, INET6 for IPv6"),
            java.util.Map.entry("hook", "the netfilter hook"),
            java.util.Map.entry("priority", "the hook's order among others (lower runs first)"));

    /** What a section kind's method takes and calls. */
    record Kind(String verb, String returns, String params, String call, String doc) {
    }

    private AttachMethods() {
    }

    /**
     * The kind of {@code section}, or null when the skeleton gives it no typed method (libbpf
     * attaches it by itself, or the runtime has no typed call for it).
     */
    static Kind kindOf(String section) {
        String base = section;
        int slash = base.indexOf('/');
        String head = slash < 0 ? base : base.substring(0, slash);
        boolean bare = slash < 0;
        if (head.equals("xdp") && bare || head.equals("xdp.frags") && bare) {
            return new Kind("attach", "BpfLink", "String interfaceName", "attachXdp(interfaceName)",
                    "to the network interface {@code interfaceName}");
        }
        if (head.equals("tcx") || head.equals("tc") || head.equals("classifier")) {
            return new Kind("attach", "BpfLink", "String interfaceName, " + RT + "TcDirection direction",
                    "attachTcx(interfaceName, direction)", "to {@code interfaceName} with a tcx link (Linux 6.6+)");
        }
        if (head.equals("netkit") && (section.equals("netkit/primary") || section.equals("netkit/peer"))) {
            String side = section.endsWith("/peer") ? "PEER" : "PRIMARY";
            return new Kind("attach", "BpfLink", "String interfaceName",
                    "attachNetkit(interfaceName, " + RT + "NetkitSide." + side + ")",
                    "to the " + side.toLowerCase(java.util.Locale.ROOT) + " side of the netkit device {@code interfaceName} (Linux 6.7+)");
        }
        if (head.equals("netfilter") && bare) {
            return new Kind("attach", "BpfLink",
                    "java.net.StandardProtocolFamily family, " + RT + "NetfilterHook hook, int priority",
                    "attachNetfilter(family, hook, priority)",
                    "at the netfilter {@code hook} for {@code family} packets, ordered by {@code priority} (Linux 6.4+)");
        }
        if (head.equals("cgroup") || head.equals("cgroup_skb") || head.equals("sockops")) {
            return new Kind("attach", "BpfLink", "java.nio.file.Path cgroupDirectory", "attachCgroup(cgroupDirectory)",
                    "to the cgroup v2 directory {@code cgroupDirectory}");
        }
        if (head.equals("socket")) {
            return new Kind("attach", "BpfLink", "int socketFd", "attachSocket(socketFd)", "as the filter of socket {@code socketFd}");
        }
        if (head.equals("sk_lookup") || head.equals("flow_dissector")) {
            return new Kind("attach", "BpfLink", "java.nio.file.Path netnsFile", "attachNetns(netnsFile)",
                    "to the network namespace {@code netnsFile} (like {@code /proc/self/ns/net})");
        }
        if (head.equals("sk_msg") || head.equals("sk_skb")) {
            return new Kind("attach", "BpfLink", "BpfMap sockMap", "attachSockMap(sockMap)", "to the sockmap or sockhash {@code sockMap}");
        }
        if (head.equals("iter") || head.equals("iter.s")) {
            return new Kind("iterate", RT + "BpfIterator", "", "iterate()",
                    "as an iterator; read a pass with {@code readString()} or {@code open()}");
        }
        if (head.equals("perf_event")) {
            return new Kind("attach", "BpfLink", RT + "PerfEventSpec spec", "attachPerfEvent(spec)",
                    "to the perf event {@code spec} on every online CPU (one link closing all of them)");
        }
        if (head.equals("usdt") || head.equals("usdt.s")) {
            return new Kind("attach", "BpfLink", "int pid, java.nio.file.Path binary, String provider, String name",
                    "attachUsdt(pid, binary, provider, name)", "to the USDT probe {@code provider:name} of {@code binary} (pid -1: every process)");
        }
        if (head.equals("uprobe.multi") || head.equals("uretprobe.multi") || head.equals("uprobe.multi.s")
                || head.equals("uretprobe.multi.s")) {
            boolean ret = head.startsWith("uret");
            return new Kind("attach", "BpfLink", "int pid, java.nio.file.Path binary, String functionPattern",
                    "attachUprobeMulti(" + ret + ", pid, binary, functionPattern)",
                    "to every function of {@code binary} matching {@code functionPattern} (libbpf 1.2+)");
        }
        if (head.equals("kprobe.multi") || head.equals("kretprobe.multi")) {
            boolean ret = head.startsWith("kret");
            return new Kind("attach", "BpfLink", "String pattern", "attachKprobeMulti(" + ret + ", pattern)",
                    "to every kernel function matching {@code pattern}");
        }
        if (head.equals("uprobe") || head.equals("uretprobe") || head.equals("uprobe.s") || head.equals("uretprobe.s")) {
            boolean ret = head.startsWith("uret");
            return new Kind("attach", "BpfLink", "java.nio.file.Path binary, " + RT + "UprobeOptions options",
                    "attachUprobe(binary, options" + (ret ? ".returning()" : "") + ")",
                    (ret ? "as a uretprobe" : "as a uprobe") + " to {@code binary} where {@code options} say (a function by symbol, plus an offset)");
        }
        return null;
    }

    /**
     * Emits the methods into the skeleton class.
     *
     * @param programs  the object's programs, sorted by name
     * @param structOps the struct_ops variables, sorted
     * @param names     the scope of the skeleton's top-level member names, to stay clear of them
     */
    static void emit(SourceBuilder out, List<ProgramSpec> programs, List<String> structOps, JavaNames.Scope names) {
        for (ProgramSpec program : programs) {
            Kind kind = kindOf(program.sectionName());
            if (kind == null) {
                continue;
            }
            String method = names.claim(kind.verb() + JavaNames.upperCamel(program.name()));
            String name = SourceBuilder.literal(program.name());
            out.line("");
            List<String> doc = new ArrayList<>(List.of("Attaches the program " + SourceBuilder.code(program.name()) + " ("
                    + SourceBuilder.code("SEC(\"" + program.sectionName() + "\")") + ")",
                    kind.doc() + ", with {@code BpfProgram." + kind.call().replaceAll("\\(.*", "") + "}; after {@link #load()}.",
                    "The link is closed with the skeleton and {@link #links()} returns it.", ""));
            for (String param : kind.params().isEmpty() ? new String[0] : kind.params().split(", ")) {
                String paramName = param.substring(param.lastIndexOf(' ') + 1);
                doc.add("@param " + paramName + " " + PARAM_DOCS.getOrDefault(paramName, paramName));
            }
            doc.add("@return the " + (kind.verb().equals("iterate") ? "iterator (its link detaches when closed)" : "link; closing it detaches the program"));
            out.javadoc(doc.toArray(String[]::new));
            out.open("public " + kind.returns() + " " + method + "(" + kind.params() + ")");
            if (kind.verb().equals("iterate")) {
                out.line(kind.returns() + " iterator = object.program(" + name + ")." + kind.call() + ";");
                out.line("links.put(" + name + ", iterator.link());");
                out.line("return iterator;");
            } else {
                out.line("return links.put(" + name + ", object.program(" + name + ")." + kind.call() + ");");
            }
            out.close();
        }
        for (String variable : structOps) {
            String method = names.claim("register" + JavaNames.upperCamel(variable));
            out.line("");
            out.javadoc("Registers the struct_ops map " + SourceBuilder.code(variable) + " with the kernel (for example a TCP",
                    "congestion control under its {@code name}), with {@code BpfMap.attachStructOps}; after {@link #load()}.", "",
                    "@return the registration; closing it unregisters");
            out.open("public BpfLink " + method + "()");
            out.line("return object.map(" + SourceBuilder.literal(variable) + ").attachStructOps();");
            out.close();
        }
    }

    /** The names of the programs that get a typed method, for {@code attach()}'s Javadoc. */
    static List<String> typedPrograms(List<ProgramSpec> programs) {
        List<String> names = new ArrayList<>();
        for (ProgramSpec program : programs) {
            if (kindOf(program.sectionName()) != null) {
                names.add(program.name());
            }
        }
        return names;
    }
}
