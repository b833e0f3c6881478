/* Skeleton fixture: __kconfig externs of the kinds libbpf fills (version, bool, tristate, int, string), plus one __ksym. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern _Bool CONFIG_BPF_SYSCALL __kconfig __weak;
extern enum libbpf_tristate CONFIG_BPF_JIT __kconfig __weak;
extern int CONFIG_HZ __kconfig __weak;
extern unsigned long long CONFIG_NR_CPUS __kconfig __weak;
extern char CONFIG_LOCALVERSION[16] __kconfig __weak;
extern const void bpf_prog_active __ksym __weak;

__u64 seen = 0;

SEC("tp/syscalls/sys_enter_getpid")
int read_config(void *ctx)
{
	seen = LINUX_KERNEL_VERSION + CONFIG_BPF_SYSCALL + CONFIG_BPF_JIT + CONFIG_HZ + CONFIG_NR_CPUS
	       + CONFIG_LOCALVERSION[0] + (__u64)&bpf_prog_active;
	return 0;
}
