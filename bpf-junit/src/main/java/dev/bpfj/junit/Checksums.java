package dev.bpfj.junit;

/** The Internet checksum (RFC 1071) and the TCP/UDP/ICMPv6 pseudo-header sums. */
final class Checksums {

    private Checksums() {
    }

    /** The ones' complement of the ones' complement sum of {@code length} bytes plus {@code initial}. */
    static int internet(byte[] bytes, int offset, int length, long initial) {
        long sum = initial;
        for (int i = 0; i + 1 < length; i += 2) {
            sum += (bytes[offset + i] & 0xff) << 8 | bytes[offset + i + 1] & 0xff;
        }
        if ((length & 1) != 0) {
            sum += (bytes[offset + length - 1] & 0xff) << 8;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /** The pseudo-header's contribution: addresses, protocol and transport length (IPv4 and IPv6 alike in sum terms). */
    static long pseudoHeader(byte[] source, byte[] destination, int protocol, int length) {
        long sum = 0;
        for (byte[] address : new byte[][] {source, destination}) {
            for (int i = 0; i < address.length; i += 2) {
                sum += (address[i] & 0xff) << 8 | address[i + 1] & 0xff;
            }
        }
        return sum + protocol + (length & 0xffff) + (length >>> 16);
    }
}
