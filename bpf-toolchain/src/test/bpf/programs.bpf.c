/* Fixture for programs: several program types, static and global subprograms, a kfunc, CO-RE
 * relocations, kconfig/ksym externs, a callback passed by address, a kernel version section. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_like {
    int pid;
    int tgid;
    struct task_like *parent;
} __attribute__((preserve_access_index));

extern int LINUX_KERNEL_VERSION __kconfig;
extern _Bool CONFIG_BPF_SYSCALL __kconfig __weak;
extern void bpf_rcu_read_lock(void) __ksym __weak;
extern void bpf_rcu_read_unlock(void) __ksym __weak;

char LICENSE[] SEC("license") = "GPL";
unsigned int VERSION SEC("version") = 0x050f00;

const volatile int filter_pid = 0;
long counter = 0;

static __attribute__((noinline)) int static_helper(int x)
{
    return x * 3 + filter_pid;
}

__attribute__((noinline)) int global_helper(int x)
{
    return x + 1;
}

static long count_one(unsigned int index, void *ctx)
{
    counter++;
    return 0;
}

SEC("tracepoint/syscalls/sys_enter_write")
int on_write(void *ctx)
{
    bpf_printk("write %d", static_helper(1));
    return global_helper(2);
}

SEC("raw_tp/sched_switch")
int on_switch(struct task_like *task)
{
    int tgid = BPF_CORE_READ(task, parent, tgid);
    if (bpf_core_field_exists(task->pid))
        counter += tgid;
    return bpf_core_type_size(struct task_like);
}

SEC("uprobe")
int on_uprobe(void *ctx)
{
    bpf_loop(4, count_one, 0, 0);
    return LINUX_KERNEL_VERSION > 0 && CONFIG_BPF_SYSCALL;
}

SEC("xdp")
int on_xdp(struct xdp_md *xdp)
{
    if (bpf_rcu_read_lock) {
        bpf_rcu_read_lock();
        bpf_rcu_read_unlock();
    }
    return XDP_PASS;
}

SEC("kprobe/do_nanosleep")
int on_kprobe(void *ctx)
{
    return static_helper(global_helper(0));
}
