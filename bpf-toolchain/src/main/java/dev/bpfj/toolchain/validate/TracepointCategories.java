package dev.bpfj.toolchain.validate;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Tracepoint categories (the directories of {@code /sys/kernel/tracing/events}) found on common
 * kernels. Used only to catch near misses such as {@code syscall} for {@code syscalls}: a
 * category that is not listed here but is not close to a listed one is accepted, because
 * modules and newer kernels add their own.
 */
final class TracepointCategories {

    static final Set<String> KNOWN = Set.of(
            "alarmtimer", "block", "bpf_test_run", "bpf_trace", "bridge", "btrfs", "capability", "cgroup", "clk",
            "compaction", "cpuhp", "csd", "damon", "dev", "devfreq", "devlink", "dma", "dma_fence", "erofs",
            "error_report", "exceptions", "ext4", "f2fs", "fib", "fib6", "filelock", "filemap", "fs_dax", "ftrace",
            "fuse", "gpio", "handshake", "huge_memory", "hugetlbfs", "hwmon", "i2c", "icmp", "initcall", "intel_iommu",
            "io_uring", "iocost", "iomap", "iommu", "ipi", "irq", "irq_matrix", "irq_vectors", "jbd2", "kmem", "ksm",
            "kvm", "kvmmmu", "kyber", "libata", "lock", "maple_tree", "mce", "mdio", "mei", "memcg", "migrate", "mmap",
            "mmap_lock", "mmc", "module", "mptcp", "msr", "napi", "neigh", "net", "netlink", "nfs", "nfs4", "nfsd",
            "nmi", "notifier", "nvme", "oom", "page_isolation", "page_pool", "pagemap", "percpu", "power", "printk",
            "pwm", "qdisc", "ras", "raw_syscalls", "rcu", "readahead", "regmap", "rpm", "rseq", "rtc", "sched", "scsi",
            "signal", "skb", "smbus", "sock", "spi", "sunrpc", "swiotlb", "syscalls", "task", "tcp", "thermal", "thp",
            "timer", "timer_migration", "timestamp", "tlb", "udp", "vmalloc", "vmscan", "vsock", "vsyscall",
            "watchdog", "wbt", "workqueue", "writeback", "x86_fpu", "xdp", "xen", "xfs", "xhci-hcd");

    private TracepointCategories() {
    }

    /**
     * A known category one typo away (two for long names) from an unknown one.
     *
     * @param category the category written in the section
     * @return the known category it is probably meant to be, or empty
     */
    static Optional<String> nearMiss(String category) {
        if (KNOWN.contains(category)) {
            return Optional.empty();
        }
        String best = null;
        int bestScore = Integer.MAX_VALUE;
        // Sorted, so that ties resolve the same way on every run.
        for (String known : new TreeSet<>(KNOWN)) {
            int allowed = known.length() >= 7 ? 2 : known.length() >= 4 ? 1 : 0;
            int distance = EditDistance.between(category, known);
            // Among equally close names prefer one that extends or shortens the written one
            // ("syscall" -> "syscalls" rather than "vsyscall").
            int score = distance * 2 - (known.startsWith(category) || category.startsWith(known) ? 1 : 0);
            if (distance <= allowed && score < bestScore) {
                best = known;
                bestScore = score;
            }
        }
        return Optional.ofNullable(best);
    }
}
