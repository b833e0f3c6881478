// a tracepoint category one letter off
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains("program handler: [BPF014 tracepoint-category] is in SEC(\"tracepoint/syscall/sys_enter_open\"), but the kernel has no tracepoint category 'syscall'") : 'build.log lacks: ' + "the kernel has no tracepoint category 'syscall'"
assert log.contains('did you mean SEC("tracepoint/syscalls/sys_enter_open")?') : 'build.log lacks: ' + 'did you mean SEC("tracepoint/syscalls/sys_enter_open")?'
// A failed source never leaves an object that looks current.
assert !new File(basedir, 'target/bpf/fail_tracepoint_category.bpf.o').exists()
return true
