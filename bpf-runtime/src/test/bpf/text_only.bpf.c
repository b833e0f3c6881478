/* An object whose only function has no SEC(): libbpf before 1.5 takes it for a program without a type. */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

struct pair {
	int left;
	int right;
};

int add_pair(struct pair *pair)
{
	return pair->left + pair->right;
}
