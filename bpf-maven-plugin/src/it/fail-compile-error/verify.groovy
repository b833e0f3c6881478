// clang reports an error; it reaches the log as file:line:col
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains("fail_compile_error.bpf.c:6:12: error: use of undeclared identifier 'undeclared_thing'") : 'build.log lacks: ' + "fail_compile_error.bpf.c:6:12: error: use of undeclared identifier 'undeclared_thing'"
assert log.contains('BPF compilation failed for 1 of 1 source(s)') : 'build.log lacks: ' + 'BPF compilation failed for 1 of 1 source(s)'
// A failed source never leaves an object that looks current.
assert !new File(basedir, 'target/bpf/fail_compile_error.bpf.o').exists()
return true
