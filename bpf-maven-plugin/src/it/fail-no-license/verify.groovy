// no license section
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('object: has no license section') : 'build.log lacks: ' + 'object: has no license section'
assert log.contains('char LICENSE[] SEC("license")') : 'build.log lacks: ' + 'char LICENSE[] SEC("license")'
// A failed source never leaves an object that looks current.
assert !new File(basedir, 'target/bpf/fail_no_license.bpf.o').exists()
return true
