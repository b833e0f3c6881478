package dev.bpfj.toolchain.vmlinux;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds small raw BTF blobs by hand (little endian), for tests that need no compiler. */
final class TinyBtf {

    static final int INT = 1;
    static final int PTR = 2;
    static final int ARRAY = 3;
    static final int STRUCT = 4;
    static final int UNION = 5;
    static final int ENUM = 6;
    static final int FWD = 7;
    static final int TYPEDEF = 8;
    static final int CONST = 10;
    static final int FUNC_PROTO = 13;

    private final ByteArrayOutputStream types = new ByteArrayOutputStream();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    private int nextId = 1;

    TinyBtf() {
        strings.write(0);
    }

    private int string(String s) {
        if (s.isEmpty()) {
            return 0;
        }
        int offset = strings.size();
        strings.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        strings.write(0);
        return offset;
    }

    private void u32(long value) {
        types.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) value).array());
    }

    private int header(String name, int kind, int vlen, long sizeOrType) {
        u32(string(name));
        u32(((long) kind << 24) | vlen);
        u32(sizeOrType);
        return nextId++;
    }

    int intType(String name, int size, boolean signed) {
        int id = header(name, INT, 0, size);
        u32(((signed ? 1L : 0L) << 24) | (size * 8L));
        return id;
    }

    int ptr(int target) {
        return header("", PTR, 0, target);
    }

    int constOf(int target) {
        return header("", CONST, 0, target);
    }

    int typedef(String name, int target) {
        return header(name, TYPEDEF, 0, target);
    }

    int array(int elem, int index, int count) {
        int id = header("", ARRAY, 0, 0);
        u32(elem);
        u32(index);
        u32(count);
        return id;
    }

    int fwd(String name) {
        return header(name, FWD, 0, 0);
    }

    /** A struct; members are name, type id, bit offset triples. */
    int struct(String name, int size, Object... members) {
        return record(STRUCT, name, size, members);
    }

    int union(String name, int size, Object... members) {
        return record(UNION, name, size, members);
    }

    private int record(int kind, String name, int size, Object... members) {
        int id = header(name, kind, members.length / 3, size);
        for (int i = 0; i < members.length; i += 3) {
            u32(string((String) members[i]));
            u32((Integer) members[i + 1]);
            u32((Integer) members[i + 2]);
        }
        return id;
    }

    /** An enum; values are name, value pairs. */
    int enumType(String name, int size, Object... values) {
        int id = header(name, ENUM, values.length / 2, size);
        for (int i = 0; i < values.length; i += 2) {
            u32(string((String) values[i]));
            u32((Integer) values[i + 1]);
        }
        return id;
    }

    /** A prototype; params are name, type id pairs. */
    int proto(int returnType, Object... params) {
        int id = header("", FUNC_PROTO, params.length / 2, returnType);
        for (int i = 0; i < params.length; i += 2) {
            u32(string((String) params[i]));
            u32((Integer) params[i + 1]);
        }
        return id;
    }

    byte[] build() {
        byte[] typeBytes = types.toByteArray();
        byte[] stringBytes = strings.toByteArray();
        ByteBuffer out = ByteBuffer.allocate(24 + typeBytes.length + stringBytes.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putShort((short) 0xeB9F).put((byte) 1).put((byte) 0).putInt(24);
        out.putInt(0).putInt(typeBytes.length).putInt(typeBytes.length).putInt(stringBytes.length);
        out.put(typeBytes).put(stringBytes);
        return out.array();
    }
}
