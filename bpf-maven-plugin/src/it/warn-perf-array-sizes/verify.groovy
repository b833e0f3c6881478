// a perf event array with an 8-byte key
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('map events: [BPF034 map-definition] is a BPF_MAP_TYPE_PERF_EVENT_ARRAY with key size 8 and value size 4') : 'build.log lacks: ' + 'map events: [BPF034 map-definition] is a BPF_MAP_TYPE_PERF_EVENT_ARRAY with key size 8 and value size 4'
assert log.contains('sizeof(int)') : 'build.log lacks: ' + 'sizeof(int)'
// A failed source never leaves an object that looks current.
assert !new File(basedir, 'target/bpf/fail_perf_array_sizes.bpf.o').exists()
return true
