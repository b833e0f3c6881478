// a global function without SEC() fails the build with bpf.failOnWarning
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('function forgotten: [BPF041 global-function-unused] is a global function in .text without a SEC() annotation') : 'build.log lacks: ' + 'function forgotten: [BPF041 global-function-unused] is a global function in .text without a SEC() annotation'
// A failed source never leaves an object that looks current.
assert !new File(basedir, 'target/bpf/fail_warning_global_function.bpf.o').exists()
return true
