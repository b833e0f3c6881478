// a source includes vmlinux.h and there is none
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('fail_vmlinux_missing.bpf.c includes vmlinux.h, but there is none in') : 'build.log lacks: ' + 'fail_vmlinux_missing.bpf.c includes vmlinux.h, but there is none in'
assert log.contains('bpftool btf dump file /sys/kernel/btf/vmlinux format c') : 'build.log lacks: ' + 'bpftool btf dump file /sys/kernel/btf/vmlinux format c'
assert log.contains('-Dbpf.vmlinuxHeader=path') : 'build.log lacks: ' + '-Dbpf.vmlinuxHeader=path'
// A failed source never leaves an object that looks current.
assert !new File(basedir, 'target/bpf/fail_vmlinux_missing.bpf.o').exists()
return true
