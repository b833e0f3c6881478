// Run-time configuration builds with warnings that name the call; the kernel test really ran.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert log.contains('[WARNING] sized.bpf.c: map opens_by_tgid: [BPF032 map-max-entries] is a BPF_MAP_TYPE_HASH with max_entries 0') : 'no BPF032 warning'
assert log.contains('call maxEntries(n) on map opens_by_tgid between open and load') : 'the warning does not name the call'
assert log.contains('[WARNING] sized.bpf.c: map events: [BPF033 ringbuf-size] is a BPF_MAP_TYPE_RINGBUF of 1000 bytes') : 'no BPF033 warning'
def skeleton = new File(basedir, 'target/generated-sources/bpf/dev/bpfj/it/sized/SizedBpf.java').text
assert skeleton.contains('<p><b>Set before {@link #load()}</b>') : 'the class javadoc does not list the setting'
assert skeleton.contains('requireRunTimeSettings();')
def report = new File(basedir, 'target/surefire-reports/TEST-dev.bpfj.it.sized.SizedBpfKernelTest.xml')
assert report.isFile() : 'the kernel test did not run'
assert report.text.contains('tests="1"')
assert !report.text.contains('<failure') && !report.text.contains('<error')
if ('true'.equalsIgnoreCase(System.getenv('CI'))) {
    assert !report.text.contains('<skipped') : 'kernel tests were skipped under CI'
}
return true
