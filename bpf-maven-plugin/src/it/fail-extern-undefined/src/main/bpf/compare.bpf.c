#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
char expected[16], seen[16];
volatile int length = 8;
SEC("tracepoint/syscalls/sys_enter_openat")
int same_name(void *ctx)
{
    /* A length clang does not know at compile time: it cannot inline memcmp. */
    return __builtin_memcmp(expected, seen, length) == 0;
}
char LICENSE[] SEC("license") = "GPL";
