// The second execution over unchanged sources compiles nothing.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
def first = log.indexOf('bpf-maven-plugin')
def second = log.indexOf('(second)')
assert second > 0 : 'second execution did not run'
assert log.substring(0, second).contains('Compiling 1 of 1 BPF sources')
def after = log.substring(second)
assert after.contains('All 1 BPF objects in ') && after.contains(' are up to date')
assert !after.contains('Compiling ')
assert new File(basedir, 'target/bpf/hello.bpf.o').isFile()
return true
