/* An fentry program: this kernel refuses to load it before the verifier runs (no BPF trampolines). */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

SEC("fentry/do_sys_openat2")
int on_openat2(void *ctx)
{
	return 0;
}
