// an array map with an 8-byte key
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('map counts: [BPF034 map-definition] is a BPF_MAP_TYPE_ARRAY with key size 8') : 'build.log lacks: ' + 'map counts: [BPF034 map-definition] is a BPF_MAP_TYPE_ARRAY with key size 8'
assert log.contains('__type(key, __u32)') : 'build.log lacks: ' + '__type(key, __u32)'
// A failed source never leaves an object that looks current.
assert !new File(basedir, 'target/bpf/fail_array_key_size.bpf.o').exists()
return true
