// The kernel test ran (a skip is not enough: under CI it would have failed instead) and passed.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
def report = new File(basedir, 'target/surefire-reports/TEST-dev.bpfj.it.reject.RejectBpfKernelTest.xml')
assert report.isFile() : 'the kernel test did not run'
assert report.text.contains('tests="1"')
if ('true'.equalsIgnoreCase(System.getenv('CI'))) {
    assert !report.text.contains('<skipped') : 'kernel tests were skipped under CI'
}
return true
