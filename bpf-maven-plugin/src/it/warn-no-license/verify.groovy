// A missing license without a GPL-only call is a warning, and the object is written.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert log.contains('[WARNING] unlicensed.bpf.c: object: [BPF020 license-missing] has no license section. It calls no GPL-only helper, so it loads')
assert log.contains('char LICENSE[] SEC("license") = "Dual BSD/GPL";')
assert new File(basedir, 'target/bpf/unlicensed.bpf.o').isFile()
return true
