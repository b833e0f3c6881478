package dev.bpfj.runtime;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/**
 * A key of a {@code BPF_MAP_TYPE_LPM_TRIE} map ({@code struct bpf_lpm_trie_key}): a prefix length
 * in bits (host byte order) followed by the address bytes (network order). The map's key size is
 * {@code 4 + address bytes}: 8 for IPv4, 20 for IPv6. LPM tries need {@code BPF_F_NO_PREALLOC}
 * and Linux 4.11+; a lookup with a full-length key finds the longest stored prefix that matches.
 *
 * <pre>{@code
 * TypedMap<LpmKey, Integer> routes = map.typed(LpmKey.codec(4), Codec.INT32);
 * routes.put(LpmKey.parse("10.0.0.0/8"), 1);
 * routes.get(LpmKey.of(InetAddress.getByName("10.1.2.3")));   // 1
 * }</pre>
 *
 * @param prefixLength significant leading bits of {@code address}, 0 to {@code 8 * address.length}
 * @param address      the address bytes, most significant first (the array is copied)
 */
public record LpmKey(int prefixLength, byte[] address) {

    /** Checks and copies the components. */
    public LpmKey {
        Objects.requireNonNull(address, "address");
        if (address.length == 0) {
            throw new IllegalArgumentException("LPM key address must not be empty");
        }
        if (prefixLength < 0 || prefixLength > 8 * address.length) {
            throw new IllegalArgumentException("LPM prefix length must be 0.." + 8 * address.length + " for a "
                    + address.length + "-byte address, got " + prefixLength);
        }
        address = address.clone();
    }

    /** The whole address as a key (prefix length = all its bits): what lookups use. */
    public static LpmKey of(InetAddress address) {
        byte[] bytes = address.getAddress();
        return new LpmKey(8 * bytes.length, bytes);
    }

    /** {@code address/prefixLength}. */
    public static LpmKey of(InetAddress address, int prefixLength) {
        return new LpmKey(prefixLength, address.getAddress());
    }

    /**
     * Parses CIDR notation, {@code "10.0.0.0/8"} or {@code "2001:db8::/32"} (a literal address, no
     * host name lookup); without {@code /n} the whole address.
     *
     * @throws IllegalArgumentException for text that is not an IP literal with an optional prefix
     */
    public static LpmKey parse(String cidr) {
        Objects.requireNonNull(cidr, "cidr");
        int slash = cidr.indexOf('/');
        String host = slash < 0 ? cidr : cidr.substring(0, slash);
        if (!host.contains(":") && !host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new IllegalArgumentException("not an IP address literal in LPM key \"" + cidr + "\"");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host); // a literal: no DNS query
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address in LPM key \"" + cidr + "\"", e);
        }
        if (slash < 0) {
            return of(address);
        }
        try {
            return of(address, Integer.parseInt(cidr.substring(slash + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("prefix length of LPM key \"" + cidr + "\" is not a number", e);
        }
    }

    /** The address bytes (a copy). */
    @Override
    public byte[] address() {
        return address.clone();
    }

    /** The key's size in a map: 4 bytes of prefix length plus the address. */
    public int byteSize() {
        return 4 + address.length;
    }

    /** Writes the key's C image to the start of {@code target}. */
    public void write(MemorySegment target) {
        target.set(ValueLayout.JAVA_INT_UNALIGNED, 0, prefixLength);
        MemorySegment.copy(address, 0, target, ValueLayout.JAVA_BYTE, 4, address.length);
    }

    /** A codec for keys with {@code addressBytes}-byte addresses (4 for IPv4, 16 for IPv6). */
    public static Codec<LpmKey> codec(int addressBytes) {
        if (addressBytes <= 0) {
            throw new IllegalArgumentException("LPM address size must be positive, got " + addressBytes);
        }
        return new Codec<>() {
            @Override
            public long byteSize() {
                return 4L + addressBytes;
            }

            @Override
            public LpmKey read(MemorySegment source) {
                int prefix = source.get(ValueLayout.JAVA_INT_UNALIGNED, 0);
                return new LpmKey(prefix, source.asSlice(4, addressBytes).toArray(ValueLayout.JAVA_BYTE));
            }

            @Override
            public void write(MemorySegment target, LpmKey value) {
                if (value.address.length != addressBytes) {
                    throw new IllegalArgumentException("LPM key " + value + " has a " + value.address.length
                            + "-byte address; this map's keys have " + addressBytes);
                }
                value.write(target);
            }
        };
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LpmKey key && key.prefixLength == prefixLength && Arrays.equals(key.address, address);
    }

    @Override
    public int hashCode() {
        return 31 * prefixLength + Arrays.hashCode(address);
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(address).getHostAddress() + "/" + prefixLength;
        } catch (UnknownHostException e) {
            return "LpmKey[" + prefixLength + ", " + address.length + " bytes]";
        }
    }
}
