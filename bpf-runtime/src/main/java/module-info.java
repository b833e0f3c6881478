/**
 * bpfj runtime: loads and runs BPF objects through the system {@code libbpf.so.1} with
 * {@code java.lang.foreign}. Only {@link dev.bpfj.runtime} is API; the FFM bindings stay inside.
 *
 * <p>Run with {@code --enable-native-access=dev.bpfj.runtime} on the module path, or
 * {@code --enable-native-access=ALL-UNNAMED} on the class path.
 */
module dev.bpfj.runtime {
    exports dev.bpfj.runtime;
}
