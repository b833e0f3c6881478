package dev.bpfj.toolchain.vmlinux;

import dev.bpfj.toolchain.btf.BtfTable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The header's text as it is written: UTF-8 bytes, with names copied from the BTF's string
 * section as they are stored there rather than decoded into strings first. Everything else
 * written is ASCII: keywords, punctuation, numbers.
 */
final class HeaderText {

    private byte[] bytes;
    private int length;

    HeaderText(int capacity) {
        bytes = new byte[Math.max(16, capacity)];
    }

    private void ensure(int more) {
        if (bytes.length - length < more) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }

    HeaderText append(char ascii) {
        ensure(1);
        bytes[length++] = (byte) ascii;
        return this;
    }

    /**
     * Appends text as UTF-8. Keywords, punctuation and numbers are ASCII and copied a byte a
     * char; anything else (a decoded BTF name, a file name in the leading comment) is encoded.
     */
    HeaderText append(String text) {
        int count = text.length();
        ensure(count);
        for (int i = 0; i < count; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                byte[] encoded = text.substring(i).getBytes(StandardCharsets.UTF_8);
                ensure(encoded.length);
                System.arraycopy(encoded, 0, bytes, length, encoded.length);
                length += encoded.length;
                return this;
            }
            bytes[length++] = (byte) c;
        }
        return this;
    }

    /** Appends a number in decimal, without making a string of it. */
    HeaderText append(long value) {
        if (value < 0) {
            if (value == Long.MIN_VALUE) {
                return append("-9223372036854775808");
            }
            append('-');
            return append(-value);
        }
        ensure(19);
        int digits = 1;
        for (long rest = value / 10; rest != 0; rest /= 10) {
            digits++;
        }
        long rest = value;
        for (int at = length + digits - 1; at >= length; at--) {
            bytes[at] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
        length += digits;
        return this;
    }

    /** Appends another text, such as a declaration built apart. */
    HeaderText append(HeaderText text) {
        ensure(text.length);
        System.arraycopy(text.bytes, 0, bytes, length, text.length);
        length += text.length;
        return this;
    }

    /** Appends a name from the string section of {@code btf}, byte for byte. */
    HeaderText appendString(BtfTable btf, int offset) {
        int count = btf.stringLength(offset);
        ensure(count);
        btf.copyString(offset, count, bytes, length);
        length += count;
        return this;
    }

    HeaderText tabs(int count) {
        ensure(count);
        for (int i = 0; i < count; i++) {
            bytes[length++] = '\t';
        }
        return this;
    }

    boolean isEmpty() {
        return length == 0;
    }

    /** @return the text's bytes, as written to the file */
    byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    @Override
    public String toString() {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
}
