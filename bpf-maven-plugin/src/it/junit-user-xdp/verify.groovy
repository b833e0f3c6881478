def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
def report = new File(basedir, 'target/surefire-reports/TEST-com.example.xdp.XdpCountTest.xml')
assert report.isFile() : 'the JUnit test did not run'
def suite = new groovy.xml.XmlSlurper().parse(report)
assert suite.@tests.toInteger() == 2
assert suite.@failures.toInteger() == 0
assert suite.@errors.toInteger() == 0
assert suite.@skipped.toInteger() == 0 : 'the kernel tests were skipped'
assert log =~ /bpf:verify: the kernel \([^)]+\) accepted every program of 1 object\(s\)/
return true
