/**
 * Turning BPF C sources into objects with clang: finding a suitable clang
 * ({@link dev.bpfj.toolchain.clang.ClangLocator}), building its command line
 * ({@link dev.bpfj.toolchain.clang.ClangCommand}), reading the dependency files it writes
 * ({@link dev.bpfj.toolchain.clang.DepFile}) and the diagnostics it prints
 * ({@link dev.bpfj.toolchain.clang.Diagnostic}), and the incremental, atomic, parallel build
 * around all of it ({@link dev.bpfj.toolchain.clang.BpfCompiler}).
 *
 * <p>Nothing here depends on the Maven API: the plugin hands a
 * {@link dev.bpfj.toolchain.clang.CompileRequest} to {@link dev.bpfj.toolchain.clang.BpfCompiler}
 * and gets a {@link dev.bpfj.toolchain.clang.CompileResult} or a
 * {@link dev.bpfj.toolchain.clang.BpfBuildException} back.
 */
package dev.bpfj.toolchain.clang;
