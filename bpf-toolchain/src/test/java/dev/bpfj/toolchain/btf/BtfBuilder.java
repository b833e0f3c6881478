package dev.bpfj.toolchain.btf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Assembles raw BTF by hand, for kinds clang 14 does not emit (ENUM64, TYPE_TAG) and for
 * malformed input that no compiler writes.
 */
final class BtfBuilder {
    private final ByteOrder order;
    private final ByteArrayOutputStream types = new ByteArrayOutputStream();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    private int nextId = 1;

    BtfBuilder(ByteOrder order) {
        this.order = order;
        strings.write(0);
    }

    /** Adds a string to the string section and returns its offset. */
    int string(String s) {
        int offset = strings.size();
        strings.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        strings.write(0);
        return offset;
    }

    /** Writes a type's common header and returns the id it gets. */
    int type(String name, int kind, boolean kindFlag, int vlen, int sizeOrType) {
        u32(name.isEmpty() ? 0 : string(name));
        u32((kindFlag ? 1 << 31 : 0) | kind << 24 | vlen);
        u32(sizeOrType);
        return nextId++;
    }

    /** Appends a 32-bit word to the type section. */
    BtfBuilder u32(long value) {
        ByteBuffer b = ByteBuffer.allocate(4).order(order).putInt((int) value);
        types.writeBytes(b.array());
        return this;
    }

    int intType(String name, int size, int encoding, int offset, int bits) {
        int id = type(name, 1, false, 0, size);
        u32((long) encoding << 24 | (long) offset << 16 | bits);
        return id;
    }

    byte[] build() {
        return build(24);
    }

    byte[] build(int headerLength) {
        byte[] t = types.toByteArray();
        byte[] s = strings.toByteArray();
        ByteBuffer b = ByteBuffer.allocate(headerLength + t.length + s.length).order(order);
        b.putShort((short) 0xeB9F).put((byte) 1).put((byte) 0).putInt(headerLength);
        b.putInt(0).putInt(t.length).putInt(t.length).putInt(s.length);
        b.position(headerLength);
        b.put(t).put(s);
        return b.array();
    }
}
