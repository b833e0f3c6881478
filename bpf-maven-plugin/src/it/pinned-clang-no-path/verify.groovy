// Built with no clang on the PATH: the pinned clang 20 compiled and the log says which clang built it.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert log.contains('No usable clang on the PATH') : 'build.log does not say why the pinned clang was used'
assert log =~ /Compiling 1 of 1 BPF sources with clang 20\.1\.\d+ \(.*\/cache\/bpfj\/clang\/llvm-20\.1\.7-1\.5\.12-linux-[a-z0-9_]+\/clang/
def object = new File(basedir, 'target/bpf/hello.bpf.o')
assert object.length() > 0
// Stripped by the pinned llvm-objcopy acting as llvm-strip: BTF kept, no DWARF.
def text = new String(object.bytes, 'ISO-8859-1')
assert text.contains('.BTF.ext')
assert !text.contains('.debug_info')
return true
