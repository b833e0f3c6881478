/* Fixture for the BTF reader: one global variable per interesting C type, so that clang emits
 * BTF for every kind the reader must understand. Tests assert the parsed model against the
 * declarations below; keep them in sync. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

typedef unsigned int u32_alias;
typedef u32_alias u32_alias2;
typedef const volatile u32_alias2 cv_u32;

enum color { RED = 0, GREEN = 1, BLUE = 7, NEGATIVE = -3 };
enum wide : unsigned long long { WIDE_SMALL = 1, WIDE_BIG = 0x123456789abcULL };
enum { ANON_A = 10, ANON_B = 11 };

struct inner {
    short s;
    long long ll;
};

struct ints {
    signed char sc;
    unsigned char uc;
    short ss;
    unsigned short us;
    int si;
    unsigned int ui;
    long sl;
    unsigned long ul;
    long long sll;
    unsigned long long ull;
    __int128 s128;
    unsigned __int128 u128;
    _Bool flag;
    char text[16];
};

struct bits {
    unsigned int a : 3;
    unsigned int b : 5;
    int c : 10;
    unsigned long long d : 40;
    unsigned char tail;
};

union number {
    int i;
    float f;
    double d;
    unsigned char raw[8];
};

struct zoo {
    struct inner nested;
    union number num;
    struct {
        int anon_x;
        int anon_y;
    };
    union {
        long anon_l;
        char anon_c;
    };
    int matrix[2][3];
    char *name;
    const char *cname;
    void *opaque;
    struct zoo *next;
    struct forward_only *fwd;
    enum color color;
    enum wide wide;
    u32_alias2 alias;
    cv_u32 qualified;
    float f32;
    double f64;
    struct bits bits;
};

struct __attribute__((packed)) packed {
    char c;
    int i;
};

#define __tag(x) __attribute__((btf_decl_tag(x)))

struct tagged {
    int plain;
    int marked __tag("member_tag");
} __tag("struct_tag");

/* .bss */
struct ints zoo_ints;
struct zoo zoo_all;
struct packed zoo_packed;
int zoo_anon_enum = ANON_B;
int * __attribute__((btf_type_tag("user"))) zoo_user_ptr;
struct tagged zoo_tagged;
static volatile int zoo_static_counter;
int *__restrict zoo_restrict_ptr;

/* .data */
int zoo_data_int = 42;
unsigned long long zoo_data_array[4] = { 1, 2, 3, 4 };

/* .rodata */
const volatile int zoo_const_int = 7;
const volatile char zoo_const_text[8] = "rodata";

/* custom sections */
int zoo_custom_data SEC(".data.custom") = 0x11223344;
const volatile long zoo_custom_ro[2] SEC(".rodata.custom") = { -1, 2 };
int zoo_custom_bss SEC(".bss.custom");

char LICENSE[] SEC("license") = "Dual BSD/GPL";

int __tag("func_tag") zoo_global_func(int x __tag("param_tag"))
{
    return x + zoo_data_int;
}

SEC("raw_tp/sys_enter")
int zoo_touch(void *ctx)
{
    zoo_static_counter++;
    zoo_all.alias = zoo_const_int;
    zoo_custom_bss = zoo_custom_data + (int)zoo_custom_ro[1];
    return zoo_global_func(zoo_anon_enum) + zoo_packed.i + zoo_tagged.marked;
}
