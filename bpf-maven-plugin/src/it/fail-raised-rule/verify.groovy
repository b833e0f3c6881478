// A warning rule raised to an error with a bpf.validation.<rule> user property fails the build.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('[ERROR] ring.bpf.c: map events: [BPF033 ringbuf-size] is a BPF_MAP_TYPE_RINGBUF of 5000 bytes') : 'the raised rule is not an error'
assert log.contains('__uint(max_entries, 8192)')
assert !new File(basedir, 'target/bpf/ring.bpf.o').exists()
return true
