// The same sources built in two different directories give byte-identical objects.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
byte[] one = new File(basedir, 'one/target/bpf/hello.bpf.o').bytes
byte[] two = new File(basedir, 'deeper/nested/two/target/bpf/hello.bpf.o').bytes
assert one.length > 0
assert Arrays.equals(one, two) : 'objects differ between the two directories'
String text = new String(one, 'ISO-8859-1')
assert !text.contains(basedir.absolutePath) : 'the project path leaked into the object'
return true
