/**
 * hello: the smallest complete bpfj program. A tracepoint program prints "Hello world" with
 * {@code bpf_printk} on every {@code openat()}, and {@link dev.bpfj.examples.hello.Hello} shows
 * those kernel messages by reading the trace pipe from Java.
 */
package dev.bpfj.examples.hello;
