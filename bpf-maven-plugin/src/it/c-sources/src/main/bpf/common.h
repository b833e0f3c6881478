/* Included by the sources; a header is never compiled on its own, whatever the patterns say. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MARKER 7
