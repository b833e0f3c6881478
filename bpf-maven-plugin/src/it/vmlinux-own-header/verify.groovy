// Both sources compiled against the project's own vmlinux.h files; no header was generated.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert log.contains('Compiling 2 of 2 BPF sources with clang')
assert new File(basedir, 'target/bpf/probes/own.bpf.o').isFile()
assert new File(basedir, 'target/bpf/shared.bpf.o').isFile()
assert !new File(basedir, 'target/bpf/include/vmlinux.h').exists() : 'a vmlinux.h was generated although no source needs it'
assert !log.contains('vmlinux.h from') : 'the log says a vmlinux.h was generated'
return true
