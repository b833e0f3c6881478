package dev.bpfj.toolchain.btf;

/**
 * The void type. It is implicit in every BTF blob with id 0; pointers to void and functions
 * returning void refer to it.
 *
 * @param id always 0
 */
public record BtfVoid(int id) implements BtfType {

    /** The one void type. */
    public static final BtfVoid INSTANCE = new BtfVoid(0);

    @Override
    public String name() {
        return "void";
    }

    @Override
    public BtfKind kind() {
        return BtfKind.VOID;
    }
}
