// The two sources were compiled and linked into one object with one skeleton, and the kernel test
// that runs both programs ran (under CI a skip is a failure).
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert log.contains('Compiling 1 of 1 BPF objects (1 linked from 2 sources) with clang') : 'no linking line in build.log'
assert new File(basedir, 'target/bpf/tracer.bpf.o').isFile()
assert !new File(basedir, 'target/bpf/tracer/tracer_main.bpf.o').exists() : 'a member was also built on its own'
assert !new File(basedir, 'target/bpf/tracer/tracer_close.bpf.o').exists() : 'a member was also built on its own'
assert new File(basedir, 'target/bpf').listFiles().every { !it.name.endsWith('.tmp') } : 'temporary files left'
def skeleton = new File(basedir, 'target/generated-sources/bpf/dev/bpfj/it/tracer/TracerBpf.java')
assert skeleton.isFile()
def text = skeleton.text
assert text.contains('onOpenat') && text.contains('onClose') : 'the skeleton lacks a program'
assert (text =~ /class TracerEvent\b/).size() == 1 : 'expected one TracerEvent type'
assert new File(basedir, 'target/classes/dev/bpfj/it/tracer/tracer.bpf.o').isFile()

def report = new File(basedir, 'target/surefire-reports/TEST-dev.bpfj.it.tracer.TracerBpfKernelTest.xml')
assert report.isFile() : 'the kernel test did not run'
def suiteTag = (report.text =~ /<testsuite\b[^>]*>/)[0]
def attribute = { String name ->
    def m = suiteTag =~ /\s${name}="(\d+)"/
    assert m.find() : "no ${name} attribute in " + suiteTag
    m.group(1) as int
}
assert attribute('tests') == 2 : suiteTag
assert attribute('failures') == 0 && attribute('errors') == 0 : suiteTag
if ('true'.equalsIgnoreCase(System.getenv('CI'))) {
    assert attribute('skipped') == 0 && !report.text.contains('<skipped') : 'kernel tests were skipped under CI'
}
return true
