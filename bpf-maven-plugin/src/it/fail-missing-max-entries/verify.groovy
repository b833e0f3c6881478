// a hash map without max_entries
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('map seen: is a BPF_MAP_TYPE_HASH without max_entries') : 'build.log lacks: ' + 'map seen: is a BPF_MAP_TYPE_HASH without max_entries'
assert log.contains('__uint(max_entries, N)') : 'build.log lacks: ' + '__uint(max_entries, N)'
// A failed source never leaves an object that looks current.
assert !new File(basedir, 'target/bpf/fail_missing_max_entries.bpf.o').exists()
return true
