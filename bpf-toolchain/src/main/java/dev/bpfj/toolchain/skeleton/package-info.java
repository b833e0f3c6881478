/**
 * Generates typed Java skeleton classes from BPF objects, like {@code bpftool gen skeleton}:
 * {@link dev.bpfj.toolchain.skeleton.SkeletonGenerator} turns one object's
 * {@link dev.bpfj.toolchain.object.BpfObjectSpec} into the source of one class (lifecycle,
 * global sections, maps, programs, links, and a view class per C type it uses), and
 * {@link dev.bpfj.toolchain.skeleton.Skeletons} runs it over a folder of objects for the
 * {@code bpf:skeleton} goal, writing only what changed. The generated code runs on
 * {@code dev.bpfj.runtime}; this package does not depend on it.
 */
package dev.bpfj.toolchain.skeleton;
