// The failure names the object, the program, the verifier's cause and the C line with its text.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('bpf:verify: the kernel (') && log.contains(') refused 1 of 1 object(s):')
assert log.contains('unchecked.bpf.o: program count_packets rejected by the verifier (EACCES)') : 'no rejection line'
assert log.contains("cause: R0 invalid mem access 'map_value_or_null'") : 'no cause line'
assert log.contains('at:    unchecked.bpf.c:20: *value += 1;') : 'no C line with its text'
// The annotated log shows C text on every line-info line, even where the object lost it.
assert log.contains('; __u64 *value = bpf_map_lookup_elem(&counts, &key);   @ unchecked.bpf.c:18') : 'log not annotated'
return true
