// a tracepoint section without its category
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('a tracepoint section needs both a category and a name') : 'build.log lacks: ' + 'a tracepoint section needs both a category and a name'
assert log.contains('write SEC("tracepoint/syscalls/sys_enter_open")') : 'build.log lacks: ' + 'write SEC("tracepoint/syscalls/sys_enter_open")'
// A failed source never leaves an object that looks current.
assert !new File(basedir, 'target/bpf/fail_tracepoint_no_category.bpf.o').exists()
return true
