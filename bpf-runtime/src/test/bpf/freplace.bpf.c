/*
 * freplace: replacement() replaces the global function adjust() of another loaded object
 * (freplace_target.bpf.c), set with attachTarget before load.
 */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

SEC("freplace")
int replacement(int value)
{
	return value + 100;
}
