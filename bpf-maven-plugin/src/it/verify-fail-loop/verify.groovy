def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('spin.bpf.o: program spin rejected by the verifier (EINVAL)') : 'no rejection line for spin'
assert log =~ /cause: infinite loop detected at insn \d+/ : 'no cause line'
assert log.contains('at:    spin.bpf.c:12: while (bpf_get_prandom_u32() != 42)') : 'no C line with its text'
// The second rejected program of the same object is reported by the same build.
assert log.contains('spin.bpf.o: program unchecked rejected by the verifier (EACCES)') : 'second program not reported'
assert log.contains("cause: R0 invalid mem access 'map_value_or_null'")
assert log.contains('at:    spin.bpf.c:31: *hit += 1;')
return true
