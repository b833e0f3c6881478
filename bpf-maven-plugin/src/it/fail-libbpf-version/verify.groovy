// A section newer than the configured minimum libbpf is a clear build error naming both versions.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('[ERROR] tcx.bpf.c: program ingress: [BPF011 libbpf-version] is in SEC("tcx/ingress"), which needs libbpf \u2265 1.3 (configured minimum 1.0)')
assert log.contains('<minLibbpf>1.3</minLibbpf> (-Dbpf.minLibbpf=1.3)')
assert log.contains('SEC("tc") (classic tc')
assert !new File(basedir, 'target/bpf/tcx.bpf.o').exists()
return true
