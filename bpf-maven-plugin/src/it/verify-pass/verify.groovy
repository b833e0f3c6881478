// bpf:verify passing: the rodata value from the configuration made the program acceptable, and the
// stack map got the max_entries and value size the application would give it.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert log.contains('bpf:verify: skipping future.bpf.o: it is marked to need kernel 99.0') : 'no skip note for future.bpf.o'
assert log =~ /bpf:verify: the kernel \([^)]+\) accepted every program of 2 object\(s\)/ : 'no acceptance line'
// The second run of the lifecycle: nothing changed, nothing loaded.
assert log =~ /bpf:verify: 2 object\(s\) unchanged since the kernel \([^)]+\) accepted them; not loaded again/ : 'no no-op line'
assert log.count('accepted every program') == 1
return true
