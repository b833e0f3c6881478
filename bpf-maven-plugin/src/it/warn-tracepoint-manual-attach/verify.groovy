// A tracepoint name without its category builds, with a warning naming the runtime call.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert log.contains('[WARNING] manual.bpf.c: program handler: [BPF012 tracepoint-manual-attach] is in SEC("tracepoint/sys_enter_open"), a tracepoint name without its category')
assert log.contains('attachTracepoint("syscalls", "sys_enter_open")')
assert new File(basedir, 'target/bpf/manual.bpf.o').isFile()
return true
