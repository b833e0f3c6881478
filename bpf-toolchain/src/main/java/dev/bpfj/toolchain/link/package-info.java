/**
 * A static linker for BPF objects, in pure Java: several relocatable objects compiled from
 * separate sources become one object, as {@code bpftool gen object} makes them. Sections of the
 * same name are concatenated; global symbols are resolved across files (strong over
 * {@code __weak}, externs to their definition); BTF is merged and deduplicated and its data
 * sections rebuilt; {@code .BTF.ext} records are shifted with their code. The entry point is
 * {@link dev.bpfj.toolchain.link.BpfLinker}.
 */
package dev.bpfj.toolchain.link;
