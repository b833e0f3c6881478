// a ring buffer whose size is not a power-of-two multiple of the page size
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('map events: is a BPF_MAP_TYPE_RINGBUF of 5000 bytes') : 'build.log lacks: ' + 'map events: is a BPF_MAP_TYPE_RINGBUF of 5000 bytes'
assert log.contains('__uint(max_entries, 8192)') : 'build.log lacks: ' + '__uint(max_entries, 8192)'
// A failed source never leaves an object that looks current.
assert !new File(basedir, 'target/bpf/fail_ringbuf_size.bpf.o').exists()
return true
