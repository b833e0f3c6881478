/*
 * A TCP congestion control as a .struct_ops.link map (a BPF link per registration, kernel 6.4, libbpf 1.2): registering it needs the kernel to load
 * struct_ops programs, which some kernels refuse (the test checks the error says so).
 */
#define STRUCT_OPS_SECTION ".struct_ops.link"
#include "struct_ops_common.h"
