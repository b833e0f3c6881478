/**
 * The bpfj Maven goals. Each Mojo only declares its parameters, builds one immutable request
 * and hands it to a plain class in {@code bpf-toolchain}; exceptions are translated here and
 * nowhere else: a {@link dev.bpfj.toolchain.clang.BpfBuildException} (the user's sources,
 * configuration or machine) becomes a {@code MojoFailureException}, anything else a
 * {@code MojoExecutionException}.
 */
package dev.bpfj.maven;
