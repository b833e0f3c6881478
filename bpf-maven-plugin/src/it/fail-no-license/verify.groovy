// no license section
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('program handler: [BPF021 gpl-only-helper] calls the GPL-only helper bpf_trace_printk (#6), but there is no license section') : 'build.log lacks: ' + 'program handler: [BPF021 gpl-only-helper] calls the GPL-only helper bpf_trace_printk (#6), but there is no license section'
assert log.contains('use a GPL-compatible license in SEC("license")') : 'build.log lacks: ' + 'use a GPL-compatible license in SEC("license")'
// A failed source never leaves an object that looks current.
assert !new File(basedir, 'target/bpf/fail_no_license.bpf.o').exists()
return true
