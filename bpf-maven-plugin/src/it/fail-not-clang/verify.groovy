// bpf.clang points at a program that is not clang
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('/bin/true is not clang') : 'build.log lacks: ' + '/bin/true is not clang'
assert log.contains('apt-get install clang') : 'build.log lacks: ' + 'apt-get install clang'
// A failed source never leaves an object that looks current.
assert !new File(basedir, 'target/bpf/fail_not_clang.bpf.o').exists()
return true
