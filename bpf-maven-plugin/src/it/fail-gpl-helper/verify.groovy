// a GPL-only helper under a proprietary license
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('program handler: [BPF021 gpl-only-helper] calls the GPL-only helper bpf_probe_read_kernel (#113), but the license is "Proprietary"') : 'build.log lacks: ' + 'program handler: [BPF021 gpl-only-helper] calls the GPL-only helper bpf_probe_read_kernel (#113), but the license is "Proprietary"'
assert log.contains('"GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"') : 'build.log lacks: ' + '"GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"'
// A failed source never leaves an object that looks current.
assert !new File(basedir, 'target/bpf/fail_gpl_helper.bpf.o').exists()
return true
