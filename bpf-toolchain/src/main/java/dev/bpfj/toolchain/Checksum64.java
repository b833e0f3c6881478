package dev.bpfj.toolchain;

import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * 64 bits that tell one input from another: its CRC-32C in the high half and its CRC-32 in the
 * low half. Build state and cached headers are keyed by it. It is a change detector, not a
 * seal. Both CRCs run as CPU instructions even in a JVM that has compiled nothing yet, and,
 * unlike a message digest, they load no security provider into a plugin's fresh class loader.
 */
public final class Checksum64 {

    private Checksum64() {
    }

    /**
     * @param bytes the input
     * @return its CRC-32C shifted left by 32, or'ed with its CRC-32
     */
    public static long of(byte[] bytes) {
        CRC32C castagnoli = new CRC32C();
        castagnoli.update(bytes, 0, bytes.length);
        CRC32 ieee = new CRC32();
        ieee.update(bytes, 0, bytes.length);
        return castagnoli.getValue() << 32 | ieee.getValue();
    }
}
