// Maven itself on JDK 17: bpf:verify forks the java it is given instead of loading in Maven's JVM.
def log = new File(basedir, 'build.log').text
assert log =~ /bpf:verify: the kernel \([^)]+\) accepted every program of 1 object\(s\)/

def jdk17 = new File('/usr/lib/jvm').listFiles().find { it.name.contains('17') && new File(it, 'bin/java').canExecute() }
assert jdk17 != null : 'this test needs a Java 17 in /usr/lib/jvm (apt-get install openjdk-17-jre-headless; .ci/run installs it)'
def mvn = new File(System.getProperty('maven.home'), 'bin/mvn').path
def java22 = new File(System.getProperty('java.home'), 'bin/java').path
def run = { List<String> extra ->
    def builder = new ProcessBuilder([mvn, '-B', '-V', '-o', '-Dmaven.repo.local=' + localRepositoryPath, 'verify'] + extra)
            .directory(basedir).redirectErrorStream(true)
    builder.environment().put('JAVA_HOME', jdk17.path)
    builder.environment().remove('MAVEN_OPTS')
    def process = builder.start()
    def output = process.inputStream.text
    process.waitFor()
    new File(basedir, 'java17' + extra.join('').replaceAll('[^A-Za-z0-9.]', '_') + '.log').text = output
    [process.exitValue(), output]
}

def (plainExit, plain) = run([])
assert plain.contains('Java version: 17') : 'Maven did not run on JDK 17:\n' + plain
assert plainExit != 0 : 'without a Java 22+ bpf:verify must fail, not skip:\n' + plain
assert plain.contains('bpf:verify needs a Java 22 or newer to load programs, and found none: run Maven on JDK 22+, or set bpf.verify.java') : plain

// The privileged build above left a stamp that would make the next run a no-op.
new File(basedir, 'target/bpf-verify/verified.stamp').delete()
def (forkedExit, forked) = run(['-Dbpf.verify.java=' + java22, '-X'])
assert forkedExit == 0 : 'with bpf.verify.java the build must pass:\n' + forked
assert forked =~ /bpf:verify: the kernel \([^)]+\) accepted every program of 1 object\(s\)/ : forked
assert forked.contains('bpf:verify: ' + java22 + ' -Xshare:auto') : 'the loading did not happen in the forked java:\n' + forked
return true
