// A call of a function that is neither in the object nor a kfunc fails the build, not the loader.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains("[ERROR] compare.bpf.c: program same_name: [BPF040 extern-undefined] calls memcmp(), which is defined nowhere in the object and is not declared as a kernel function (__ksym): libbpf refuses the object at open (\"failed to find BTF for extern 'memcmp'\")")
assert log.contains('use __builtin_memcmp(...) with a constant size')
assert !new File(basedir, 'target/bpf/compare.bpf.o').exists()
return true
