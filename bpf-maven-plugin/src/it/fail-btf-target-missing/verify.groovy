// an fentry program without the function it attaches to
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('program handler: is in SEC("fentry") without a target') : 'build.log lacks: ' + 'program handler: is in SEC("fentry") without a target'
assert log.contains('SEC("fentry/do_unlinkat")') : 'build.log lacks: ' + 'SEC("fentry/do_unlinkat")'
// A failed source never leaves an object that looks current.
assert !new File(basedir, 'target/bpf/fail_btf_target_missing.bpf.o').exists()
return true
