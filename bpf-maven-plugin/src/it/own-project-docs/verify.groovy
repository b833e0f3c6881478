// The documented project builds: the skeleton lands in the configured package both from the
// command line and in the lifecycle, the ring buffer's event type got its class, and the runnable
// jar loads and attaches the program (as root; required under CI=true).
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
def generated = new File(basedir, 'target/generated-sources/bpf/com/example/probes/OpensBpf.java')
assert generated.isFile() : 'no skeleton in com.example.probes'
assert !new File(basedir, 'target/generated-sources/bpf/com/example/OpensBpf.java').exists() :
        'the command-line goals ignored the plugin-level skeletonPackage'
assert generated.text.contains('class Event ') : 'no class for struct event (bpf.types)'
def jar = new File(basedir, 'target/probes.jar')
assert jar.isFile()

def root = 'id -u'.execute().text.trim() == '0'
if (!root) {
    assert System.getenv('CI') != 'true' : 'running the documented jar needs root under CI=true'
    println 'own-project-docs: not root, the jar was built but not run'
    return true
}
def java = new File(System.getProperty('java.home'), 'bin/java').path
// one second, only pid 1's opens: proves open, load, attach and the ring buffer work
def run = [java, '-jar', jar.path, '1', '1'].execute()
def out = new StringBuilder(), err = new StringBuilder()
run.consumeProcessOutput(out, err)
assert run.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) : 'the documented jar did not end'
assert run.exitValue() == 0 : "the documented jar failed:\n${err}"
return true
