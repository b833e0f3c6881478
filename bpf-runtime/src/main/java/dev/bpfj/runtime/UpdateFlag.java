package dev.bpfj.runtime;

/** How a map update treats an existing element ({@code BPF_ANY}, {@code BPF_NOEXIST}, …). */
public enum UpdateFlag {
    /** Create the element or replace it. */
    ANY(0),
    /** Create only: fails with EEXIST when the key is present. */
    NOEXIST(1),
    /** Replace only: fails with ENOENT when the key is absent. */
    EXIST(2),
    /** Update under the value's {@code bpf_spin_lock}. */
    LOCK(4);

    private final long value;

    UpdateFlag(long value) {
        this.value = value;
    }

    /** The flag value the kernel expects. */
    public long value() {
        return value;
    }
}
