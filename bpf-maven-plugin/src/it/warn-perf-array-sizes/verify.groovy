// Event maps with sizes the kernel refuses (BPF038): warnings, not errors, because bpfj's runtime
// gives them the sizes the kernel accepts; bpf:verify proves it by loading the object.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
def perf = '[WARNING] warn_perf_array_sizes.bpf.c: map events: [BPF038 event-map-sizes] is a BPF_MAP_TYPE_PERF_EVENT_ARRAY with key size 8 and value size 4'
assert log.contains(perf) : 'build.log lacks: ' + perf
def ring = '[WARNING] warn_perf_array_sizes.bpf.c: map ring: [BPF038 event-map-sizes] is a BPF_MAP_TYPE_RINGBUF with a key or value (key size 0, value size 20)'
assert log.contains(ring) : 'build.log lacks: ' + ring
assert log.contains('sizeof(int)') : 'build.log lacks: sizeof(int)'
assert log =~ /bpf:verify: the kernel \([^)]+\) accepted every program of 1 object\(s\)/ : 'no acceptance line'
assert !log.contains('Retrying without BTF') : 'libbpf\'s expected retry was logged as a warning'
return true
