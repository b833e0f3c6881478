// The skeleton was generated, compiled with -Werror, found its object on the class path, and the
// kernel test ran (a skip is not enough: under CI it would have failed instead).
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert new File(basedir, 'target/generated-sources/bpf/dev/bpfj/it/snoop/SnoopBpf.java').isFile()
assert new File(basedir, 'target/classes/dev/bpfj/it/snoop/snoop.bpf.o').isFile()
assert new File(basedir, 'target/classes/dev/bpfj/it/snoop/SnoopBpf$SnoopEvent.class').isFile()
def report = new File(basedir, 'target/surefire-reports/TEST-dev.bpfj.it.snoop.SnoopBpfKernelTest.xml')
assert report.isFile() : 'the kernel test did not run'
assert report.text.contains('tests="4"') : 'expected the four tests of SnoopBpfKernelTest to run'
if ('true'.equalsIgnoreCase(System.getenv('CI'))) {
    assert !report.text.contains('<skipped') : 'kernel tests were skipped under CI'
}
return true
