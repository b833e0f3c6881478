// a program section libbpf does not know, with a suggestion
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('program handler: [BPF010 section-unknown] is in SEC("tracepont/syscalls/sys_enter_openat"), which is not a program type libbpf recognises') : 'build.log lacks: ' + 'program handler: [BPF010 section-unknown] is in SEC("tracepont/syscalls/sys_enter_openat"), which is not a program type libbpf recognises'
assert log.contains('did you mean SEC("tracepoint/syscalls/sys_enter_openat")?') : 'build.log lacks: ' + 'did you mean SEC("tracepoint/syscalls/sys_enter_openat")?'
// A failed source never leaves an object that looks current.
assert !new File(basedir, 'target/bpf/fail_unknown_section.bpf.o').exists()
return true
