/* Fixture for bitfield accessors on both byte orders: clang lays these bitfields out and
 * initialises them, so the bytes of .data are the target's own layout, for a generated view to
 * read back and to write again byte for byte. Keep the values in sync with
 * SkeletonByteOrderTest. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct flags {
    unsigned int a : 3;
    unsigned int b : 5;
    int c : 10;
    unsigned long long d : 40;
    unsigned char tail;
    _Bool on : 1;
    long long e : 33;
    unsigned short f : 9;
};

struct flags fixture_flags = {
    .a = 5, .b = 17, .c = -3, .d = 0x123456789aULL, .tail = 0x7f, .on = 1, .e = -0x100000000LL, .f = 0x155,
};

char LICENSE[] SEC("license") = "GPL";

SEC("raw_tp/sys_enter")
int read_flags(void *ctx)
{
    return fixture_flags.a;
}
