// debug info (and so BTF) switched off by cflags
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('object: [BPF003 btf-missing] has no .BTF section') : 'build.log lacks: ' + 'object: [BPF003 btf-missing] has no .BTF section'
assert log.contains('remove -g0') : 'build.log lacks: ' + 'remove -g0'
// A failed source never leaves an object that looks current.
assert !new File(basedir, 'target/bpf/fail_no_btf.bpf.o').exists()
return true
