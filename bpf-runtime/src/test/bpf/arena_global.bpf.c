/* A global in the arena address space section, which libbpf understands from 1.4 on: libbpf 1.1
 * skips the section and then refuses the program's relocation against it when opening. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

int __attribute__((section(".addr_space.1"))) counter;

SEC("tracepoint/syscalls/sys_enter_getpid")
int bump(void *ctx)
{
	counter++;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
