/*
 * A TCP congestion control as a struct_ops map: registering it needs the kernel to load
 * struct_ops programs, which some kernels refuse (the test checks the error says so).
 */
#define STRUCT_OPS_SECTION ".struct_ops"
#include "struct_ops_common.h"
