// A rule lowered by id in <validation> is a warning; a rule set to ignore is not reported at all.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert log.contains("[WARNING] vendor.bpf.c: program handler: [BPF014 tracepoint-category] is in SEC(\"tracepoint/syscall/vendor_event\"), but the kernel has no tracepoint category 'syscall'")
assert !log.contains('BPF036') : 'map-unused was set to ignore'
assert new File(basedir, 'target/bpf/vendor.bpf.o').isFile()
return true
