def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('spin.bpf.o: program spin rejected by the verifier (EINVAL)') : 'no rejection line'
assert log =~ /cause: infinite loop detected at insn \d+/ : 'no cause line'
assert log.contains('at:    spin.bpf.c:12: while (bpf_get_prandom_u32() != 42)') : 'no C line with its text'
return true
