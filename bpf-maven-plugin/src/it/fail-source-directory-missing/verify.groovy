// An explicitly configured source directory that does not exist fails the build by name.
def log = new File(basedir, 'build.log').text
def expected = 'The configured BPF source directory ' + new File(basedir, 'src/bpf-typo').canonicalPath + ' (bpf.sourceDirectory) does not exist'
assert log.contains('BUILD FAILURE')
assert log.contains(expected) : 'build.log lacks: ' + expected
assert !log.contains('No BPF sources')
return true
