package dev.bpfj.toolchain.btf;

import dev.bpfj.toolchain.BpfFormatException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked little/big-endian reads over a blob (a raw BTF file or one ELF section), with
 * errors that report offsets relative to the enclosing file.
 */
final class BtfReader {
    final String fileName;
    final String sectionName;
    final long fileOffset;
    final byte[] bytes;
    final int start;
    final int length;
    ByteOrder order = ByteOrder.LITTLE_ENDIAN;

    BtfReader(String fileName, String sectionName, long fileOffset, byte[] bytes, int start, int length) {
        this.fileName = fileName;
        this.sectionName = sectionName;
        this.fileOffset = fileOffset;
        this.bytes = bytes;
        this.start = start;
        this.length = length;
    }

    void need(long at, long count, String what) throws BpfFormatException {
        if (at < 0 || at > length || count > length - at) {
            throw fail(at, "truncated: " + what + " needs " + count + " bytes at offset " + at + " but only "
                    + Math.max(0, length - Math.max(0, at)) + " remain");
        }
    }

    int u8(long at) throws BpfFormatException {
        need(at, 1, "a byte");
        return bytes[start + (int) at] & 0xff;
    }

    int u16(long at) throws BpfFormatException {
        need(at, 2, "a 16-bit field");
        int a = bytes[start + (int) at] & 0xff;
        int b = bytes[start + (int) at + 1] & 0xff;
        return order == ByteOrder.LITTLE_ENDIAN ? a | b << 8 : a << 8 | b;
    }

    long u32(long at) throws BpfFormatException {
        need(at, 4, "a 32-bit field");
        int p = start + (int) at;
        long a = bytes[p] & 0xff;
        long b = bytes[p + 1] & 0xff;
        long c = bytes[p + 2] & 0xff;
        long d = bytes[p + 3] & 0xff;
        return order == ByteOrder.LITTLE_ENDIAN ? a | b << 8 | c << 16 | d << 24 : a << 24 | b << 16 | c << 8 | d;
    }

    /** Reads a NUL-terminated UTF-8 string that must end before {@code end}. */
    String cString(long at, long end, String what) throws BpfFormatException {
        if (at < 0 || at >= end || end > length) {
            throw fail(at, what + " starts outside its string table");
        }
        String string = cString(at, end);
        if (string == null) {
            throw fail(at, what + " is not NUL-terminated within its string table");
        }
        return string;
    }

    /**
     * Reads a NUL-terminated UTF-8 string starting inside {@code [0, end)}, the caller having
     * checked that range.
     *
     * @return the string, or null when no NUL comes before {@code end}
     */
    String cString(long at, long end) {
        int from = start + (int) at;
        int to = start + (int) end;
        for (int i = from; i < to; i++) {
            if (bytes[i] == 0) {
                // The UTF-8 decoder checks for non-ASCII bytes with a vectorised intrinsic and
                // copies ASCII (all kernel names) straight into a compact string.
                return new String(bytes, from, i - from, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /**
     * Reads the header both BTF and BTF.ext start with: the magic (which also sets the byte
     * order), version 1, and the header length, checked against {@code minimum} and the blob.
     *
     * @param what    "BTF" or "BTF.ext", for messages
     * @param minimum the smallest header length this format accepts
     * @return the header length
     */
    long readCommonHeader(String what, int minimum) throws BpfFormatException {
        int magic = u16(0);
        if (magic == Btf.MAGIC) {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (Integer.reverseBytes(magic << 16) == Btf.MAGIC) {
            order = ByteOrder.BIG_ENDIAN;
        } else {
            throw fail(0, "bad " + what + " magic 0x" + Integer.toHexString(magic) + " (expected 0xeb9f)");
        }
        int version = u8(2);
        if (version != 1) {
            throw fail(2, "unsupported " + what + " version " + version + " (expected 1)");
        }
        long headerLength = u32(4);
        if (headerLength < minimum || headerLength > length) {
            throw fail(4, what + " header length " + headerLength + " is smaller than " + minimum
                    + " or larger than its " + length + " bytes");
        }
        return headerLength;
    }

    BpfFormatException fail(long at, String problem) {
        // Forged offsets can point anywhere; the reported position stays inside the blob.
        return new BpfFormatException(fileName, sectionName, fileOffset + Math.max(0, Math.min(at, length)), problem);
    }
}
