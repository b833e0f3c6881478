/* Includes the vmlinux.h next to it, by a relative name. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
