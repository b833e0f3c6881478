// Touching common.h recompiles hello.bpf.c (which includes it) and not xdp_pass.bpf.c.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
def second = log.indexOf('(second)')
assert second > 0 : 'second execution did not run'
assert log.substring(0, second).contains('Compiling 2 of 2 BPF sources')
def after = log.substring(second)
assert after.contains('Compiling 1 of 2 BPF sources') : 'expected exactly one recompile after touching common.h'
assert after.contains('Compiled and validated 1 BPF object(s)')
def hello = new File(basedir, 'target/bpf/hello.bpf.o')
def xdp = new File(basedir, 'target/bpf/xdp_pass.bpf.o')
assert hello.lastModified() > xdp.lastModified() : 'hello.bpf.o should be newer than the untouched xdp_pass.bpf.o'
return true
