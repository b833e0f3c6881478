/* Reads an extern that nothing defines: not a __kconfig or __ksym, so libbpf cannot resolve it. */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

extern int bpfj_undefined_setting;

SEC("tp/syscalls/sys_enter_openat")
int read_undefined(void *ctx)
{
	return bpfj_undefined_setting;
}
