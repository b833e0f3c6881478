// maps in the legacy SEC("maps") section
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('section "maps": [BPF030 legacy-maps] defines maps the legacy way') : 'build.log lacks: ' + 'section "maps": [BPF030 legacy-maps] defines maps the legacy way'
assert log.contains('SEC(".maps")') : 'build.log lacks: ' + 'SEC(".maps")'
// A failed source never leaves an object that looks current.
assert !new File(basedir, 'target/bpf/fail_legacy_maps.bpf.o').exists()
return true
