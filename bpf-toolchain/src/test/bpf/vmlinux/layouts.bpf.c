/*
 * Types whose C layout is easy to get wrong when it is written back from BTF: packed and
 * aligned records, bitfields (also across storage units and after zero-width bitfields),
 * anonymous and nested records, enums of every size, function pointers and arrays of them.
 * The vmlinux tests compile this, read the object's BTF, write a header from it and check with
 * clang that every size and offset in the header equals the BTF's.
 */
#include <linux/types.h>
#include <bpf/bpf_helpers.h>

typedef unsigned int u32;
typedef unsigned long long u64;

struct list { struct list *next, *prev; };

struct __attribute__((packed)) packed_header {
	__u8 kind;
	__u32 length;
	__u16 port;
};

struct __attribute__((packed, aligned(4))) packed_aligned {
	__u8 a;
	__u64 b;
};

struct cacheline {
	int counter;
} __attribute__((aligned(64)));

struct holds_aligned {
	char tag;
	struct cacheline line;
	char tail;
};

struct bits {
	unsigned int low: 3;
	unsigned int mid: 13;
	unsigned int : 0;
	unsigned int after_zero: 5;
	unsigned long long wide: 40;
	unsigned long long crosses: 30;
	_Bool flag: 1;
	signed char small: 2;
};

struct __attribute__((packed)) packed_bits {
	unsigned char a: 4;
	unsigned int straddles: 20;
	unsigned short b;
};

struct nested {
	int kind;
	union {
		struct {
			__u16 lo;
			__u16 hi;
		};
		__u32 whole;
		struct {
			__u8 bytes[3];
		} triple;
	};
	struct {
		int x, y;
	} point;
	struct list *owner;
};

enum __attribute__((packed)) small_enum { SMALL_A = 1, SMALL_B = 200 };
enum __attribute__((packed)) signed_small { SIGNED_NEG = -3, SIGNED_POS = 3 };
enum short_enum { SHORT_X = 0x1000 } __attribute__((mode(HI)));
enum big_enum { BIG_LOW = 1, BIG_HIGH = 0x100000000ULL };
enum wide_small { WIDE_SMALL = 1 } __attribute__((mode(DI)));

struct enums {
	enum small_enum s;
	enum signed_small ss;
	enum short_enum sh;
	enum big_enum b;
	enum wide_small w;
	enum { ANON_ONE = 1, ANON_TWO = 2 } anon;
};

struct only_in_params;

typedef int (*handler_t)(struct list *, const char *, ...);
typedef void callback_t(struct nested *n, int code);

struct funcs {
	handler_t handlers[4];
	callback_t *cb;
	int (*(*returns_array_ptr)(void))[3];
	void (*takes_forward)(struct only_in_params *);
	const char *const names[2];
	volatile int ticks;
};

union __attribute__((aligned(8))) aligned_union {
	__u32 word;
	__u8 bytes[4];
};

struct with_union {
	char c;
	union aligned_union u;
};

struct flexible {
	__u16 count;
	__u64 items[];
};

struct tail_padded {
	__u64 a;
	__u8 b;
} __attribute__((aligned(32)));

struct all {
	struct packed_header ph;
	struct packed_aligned pa;
	struct holds_aligned ha;
	struct bits bits;
	struct packed_bits pb;
	struct nested nested;
	struct enums enums;
	struct funcs funcs;
	struct with_union wu;
	struct tail_padded tp;
	struct packed_header headers[3];
	struct flexible *flex;
	u64 stamp;
};

struct all all_types;

SEC("socket")
int use_all(void *ctx)
{
	return all_types.bits.low + all_types.enums.anon;
}

char LICENSE[] SEC("license") = "GPL";
