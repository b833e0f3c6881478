// SPDX-License-Identifier: GPL-2.0
/*
 * What newer clangs put into BPF objects, for the readers, the validator and the skeleton:
 * BTF type and declaration tags (clang 14+), 64-bit enumerators (BTF_KIND_ENUM64, clang 15+) and,
 * when compiled with -mcpu=v4 (clang 18+), the instructions of BPF ISA v4: sign-extending loads
 * and moves, byte swaps and signed division.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define __user_ptr __attribute__((btf_type_tag("user")))
#define __doc(text) __attribute__((btf_decl_tag(text)))

enum wide_flags {
    WIDE_LOW = 1,
    WIDE_HIGH = 0x100000000ULL,
};

struct sample {
    __s8 small __doc("signed byte, sign-extended when read");
    __s16 medium;
    __u32 word;
    enum wide_flags flags;
    const char __user_ptr *where __doc("a user-space address");
} __doc("what the program records");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, struct sample);
} samples SEC(".maps");

volatile __s64 quotient __doc("signed division result");
volatile __u32 swapped;
volatile enum wide_flags last_flags;

__doc("the program itself")
SEC("tracepoint/syscalls/sys_enter_getpid")
int features(void *ctx)
{
    __u32 key = 0;
    struct sample *s = bpf_map_lookup_elem(&samples, &key);
    if (!s)
        return 0;
    __s64 wide = s->small;           /* a sign-extending load under -mcpu=v4 */
    __s64 divisor = s->medium ? s->medium : -3;
#if defined(__BPF_CPU_VERSION__) && __BPF_CPU_VERSION__ >= 4
    quotient = wide / divisor;       /* signed division: ISA v4 only */
#else
    quotient = (__u64)wide / (__u64)divisor;
#endif
    swapped = __builtin_bswap32(s->word);
    last_flags = s->flags;
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
