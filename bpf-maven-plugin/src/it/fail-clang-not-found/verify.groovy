// bpf.clang points at a path that does not exist
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('The configured clang /nonexistent/bin/clang (bpf.clang) does not exist') : 'build.log lacks: ' + 'The configured clang /nonexistent/bin/clang (bpf.clang) does not exist'
assert log.contains('apt-get install clang') : 'build.log lacks: ' + 'apt-get install clang'
assert log.contains('dnf install clang') : 'build.log lacks: ' + 'dnf install clang'
assert log.contains('-Dbpf.clang=/path/to/clang') : 'build.log lacks: ' + '-Dbpf.clang=/path/to/clang'
// A failed source never leaves an object that looks current.
assert !new File(basedir, 'target/bpf/fail_clang_not_found.bpf.o').exists()
return true
