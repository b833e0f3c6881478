// cflags retarget clang to x86-64: wrong ELF machine
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('fail_wrong_machine.bpf.c: object: [BPF001 elf-header] is machine code for x86-64 (ELF machine 62), not BPF') : 'build.log lacks: ' + 'fail_wrong_machine.bpf.c: object: [BPF001 elf-header] is machine code for x86-64 (ELF machine 62), not BPF'
assert log.contains('-target bpf') : 'build.log lacks: ' + '-target bpf'
// A failed source never leaves an object that looks current.
assert !new File(basedir, 'target/bpf/fail_wrong_machine.bpf.o').exists()
return true
