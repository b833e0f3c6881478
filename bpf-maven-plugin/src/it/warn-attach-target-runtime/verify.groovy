// A BTF-attached program without a target builds; the warning and the skeleton name attachTarget.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert log.contains('[WARNING] target.bpf.c: program handler: [BPF015 attach-target-runtime] is in SEC("fentry") without a target')
assert log.contains('call attachTarget("do_unlinkat") on program handler between open and load')
def skeleton = new File(basedir, 'target/generated-sources/bpf/dev/bpfj/it/target/TargetBpf.java').text
assert skeleton.contains('public Progs handlerAttachTarget(String function)')
assert skeleton.contains('object.program("handler").attachTarget(function);')
assert skeleton.contains('if (progs.handler().autoload() && !progs.handlerTargetSet)')
assert skeleton.contains('program handler is in SEC(\\"fentry\\") without a target: call progs().handlerAttachTarget(function)')
assert skeleton.contains('<li>program <code>handler</code> is in <code>SEC("fentry")</code> without a target: call <code>progs().handlerAttachTarget(function)</code>')
return true
