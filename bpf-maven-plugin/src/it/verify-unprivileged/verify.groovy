// Runs Maven again on this project with every capability dropped, the real unprivileged case.
def log = new File(basedir, 'build.log').text
assert log =~ /bpf:verify: the kernel \([^)]+\) accepted every program of 1 object\(s\)/

def mvn = new File(System.getProperty('maven.home'), 'bin/mvn').path
def run = { Map<String, String> env, List<String> extra ->
    def command = ['setpriv', '--bounding-set=-all', '--inh-caps=-all', mvn, '-B', '-o',
                   '-Dmaven.repo.local=' + localRepositoryPath, 'verify'] + extra
    def builder = new ProcessBuilder(command).directory(basedir).redirectErrorStream(true)
    builder.environment().remove('CI')
    builder.environment().remove('MAVEN_OPTS')
    builder.environment().putAll(env)
    def process = builder.start()
    def output = process.inputStream.text
    process.waitFor()
    new File(basedir, 'unprivileged-' + (env.CI ?: 'laptop') + extra.join('') + '.log').text = output
    [process.exitValue(), output]
}

def (laptopExit, laptop) = run([:], [])
assert laptopExit == 0 : 'unprivileged build without CI should pass by skipping:\n' + laptop
assert laptop.contains('bpf:verify cannot load BPF programs on this machine: no privileges to load BPF programs') : laptop
assert laptop.contains('skipping the verifier check of 1 object(s) (-Dbpf.verify.require=true makes this a failure)') : laptop
assert laptop.count('cannot load BPF programs') == 1 : 'said more than once:\n' + laptop

def (ciExit, ci) = run([CI: 'true'], [])
assert ciExit != 0 : 'unprivileged build under CI=true must fail:\n' + ci
assert ci.contains('Loading is required (CI=true)') : ci

def (optOutExit, optOut) = run([CI: 'true'], ['-Dbpf.verify.require=false'])
assert optOutExit == 0 : 'bpf.verify.require=false must skip even under CI:\n' + optOut
return true
