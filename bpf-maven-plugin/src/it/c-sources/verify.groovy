// *.c sources were selected by <sourceIncludes>, experimental/ was left out by <sourceExcludes>,
// each x.c became x.bpf.o with a skeleton XBpf, and the header was not compiled.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert log.contains('Compiling 3 of 3 BPF sources with clang') : 'expected probe.c, net/filter.c and old_style.bpf.c'
[ 'target/bpf/probe.bpf.o', 'target/bpf/net/filter.bpf.o', 'target/bpf/old_style.bpf.o' ].each { path ->
    assert new File(basedir, path).isFile() : "missing ${path}"
}
assert !new File(basedir, 'target/bpf/experimental').exists() : 'an excluded source was compiled'
assert !new File(basedir, 'target/bpf/common.bpf.o').exists() : 'a header was compiled'
def skeletons = new File(basedir, 'target/generated-sources/bpf/dev/bpfj/it/csources')
[ 'ProbeBpf.java', 'FilterBpf.java', 'OldStyleBpf.java' ].each { name ->
    assert new File(skeletons, name).isFile() : "missing skeleton ${name}"
}
assert new File(basedir, 'target/generated-resources/bpf/dev/bpfj/it/csources/probe.bpf.o').isFile()
return true
