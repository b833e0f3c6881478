// an unused map fails the build with bpf.failOnWarning
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('map unused: [BPF036 map-unused] is not used: no instruction of any program refers to it') : 'build.log lacks: ' + 'map unused: [BPF036 map-unused] is not used: no instruction of any program refers to it'
// A failed source never leaves an object that looks current.
assert !new File(basedir, 'target/bpf/fail_warning_unused_map.bpf.o').exists()
return true
