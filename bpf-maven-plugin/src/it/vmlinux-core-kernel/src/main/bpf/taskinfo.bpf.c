/* Reads who called sched_yield(2) from the kernel's struct task_struct with CO-RE field reads.
 * The types come from vmlinux.h, which nobody wrote: the source directory has none, no include
 * directory or bpf.vmlinuxHeader is configured, so bpf:compile must generate it from the running
 * kernel's BTF. The test compares every value read here with what /proc says. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#define TASK_COMM_LEN 16

/* The process (tgid) to watch; set by the test before load. */
const volatile __u32 targ_pid = 0;
/* If not 0, only this thread of targ_pid is recorded. */
const volatile __u32 targ_tid = 0;

/* How many calls matched the filter. */
__u64 hits;
/* What the last matching call's task_struct said; all read through CO-RE relocations. */
__u32 task_tgid;
__u32 task_tid;
__u32 parent_tgid;
__u32 real_uid;
__u64 leader_start_boottime;
char thread_comm[TASK_COMM_LEN];
char leader_comm[TASK_COMM_LEN];

SEC("tp/syscalls/sys_enter_sched_yield")
int taskinfo_sched_yield(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct task_struct *task;

	if ((__u32)(id >> 32) != targ_pid)
		return 0;
	if (targ_tid != 0 && (__u32)id != targ_tid)
		return 0;

	task = (struct task_struct *)bpf_get_current_task();
	task_tgid = BPF_CORE_READ(task, tgid);
	task_tid = BPF_CORE_READ(task, pid);
	/* Two pointer hops and a field of a nested struct: each step is relocated for this kernel. */
	parent_tgid = BPF_CORE_READ(task, real_parent, tgid);
	real_uid = BPF_CORE_READ(task, real_cred, uid.val);
	leader_start_boottime = BPF_CORE_READ(task, group_leader, start_boottime);
	BPF_CORE_READ_STR_INTO(&thread_comm, task, comm);
	BPF_CORE_READ_STR_INTO(&leader_comm, task, group_leader, comm);
	__sync_fetch_and_add(&hits, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
