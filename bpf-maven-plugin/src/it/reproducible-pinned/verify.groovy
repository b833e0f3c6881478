// Two checkouts, two unpacked copies of the pinned clang: the same bytes, and the bytes recorded
// when this test was written on another machine.
import java.security.MessageDigest
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert log.count('with clang 20.1.7') == 2 : 'both checkouts must be built by the pinned clang 20.1.7'
byte[] one = new File(basedir, 'one/target/bpf/counter.bpf.o').bytes
byte[] two = new File(basedir, 'deeper/nested/two/target/bpf/counter.bpf.o').bytes
assert one.length > 0
assert Arrays.equals(one, two) : 'objects differ between the two checkouts'
def sha256 = MessageDigest.getInstance('SHA-256').digest(one).encodeHex().toString()
def expected = new File(basedir, 'expected.sha256').text.trim()
assert sha256 == expected : "object checksum ${sha256} differs from the recorded ${expected}: did the compile flags change? Then record the new one."
return true
