// Two sources compile into validated, stripped BPF objects; warnings are logged but do not fail.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert log.contains('Compiling 2 of 2 BPF sources with clang')
assert log.contains('Compiled and validated 2 BPF object(s) into')
// The unused map is a warning, not a failure, without bpf.failOnWarning.
assert log.contains('[WARNING] net/xdp_pass.bpf.c: map unused_counter: [BPF036 map-unused] is not used')

def object(String path) {
    def file = new File(basedir, path)
    assert file.isFile() : "missing ${path}"
    return file.bytes
}
[ 'target/bpf/hello.bpf.o', 'target/bpf/net/xdp_pass.bpf.o' ].each { path ->
    byte[] bytes = object(path)
    assert bytes[0] == 0x7f && bytes[1] == ('E' as char) && bytes[2] == ('L' as char) && bytes[3] == ('F' as char)
    int machine = (bytes[18] & 0xff) | ((bytes[19] & 0xff) << 8)
    assert machine == 247 : "${path} is not EM_BPF"
    String text = new String(bytes, 'ISO-8859-1')
    assert text.contains('.BTF') && text.contains('.BTF.ext') : "${path} lost its BTF"
    assert !text.contains('.debug_info') : "${path} was not stripped"
}
// No temporary files left behind.
assert new File(basedir, 'target/bpf').listFiles().every { !it.name.endsWith('.tmp') }
return true
