package dev.bpfj.examples.pktcount;

import java.util.Map;
import java.util.TreeMap;

/**
 * Per-protocol counts and their text. Slots are those of pktcount.bpf.c's {@code counts} map:
 * 0–255 an IP protocol number, 256 ARP, 257 everything else.
 */
final class Report {

    /** The map's ARP slot. */
    static final int SLOT_ARP = 256;
    /** The map's slot for what is neither IP nor ARP. */
    static final int SLOT_OTHER = 257;
    /** The number of slots. */
    static final int SLOTS = 258;
    /** The header line of a table. */
    static final String HEADER = String.format("%-10s %12s %14s", "PROTO", "PACKETS", "BYTES");

    private final long[] packets = new long[SLOTS];
    private final long[] bytes = new long[SLOTS];

    /** Sets the counts of one slot. */
    void set(int slot, long packetCount, long byteCount) {
        packets[slot] = packetCount;
        bytes[slot] = byteCount;
    }

    /** Packets counted in {@code slot}. */
    long packets(int slot) {
        return packets[slot];
    }

    /** Bytes counted in {@code slot}. */
    long bytes(int slot) {
        return bytes[slot];
    }

    /** This report minus an earlier one of the same counters. */
    Report since(Report earlier) {
        Report delta = new Report();
        for (int slot = 0; slot < SLOTS; slot++) {
            delta.set(slot, packets[slot] - earlier.packets[slot], bytes[slot] - earlier.bytes[slot]);
        }
        return delta;
    }

    /** The table rows (without the header) of the protocols that saw packets, by name; prefix starts each row. */
    String rows(String prefix) {
        Map<String, Integer> named = new TreeMap<>();
        for (int slot = 0; slot < SLOTS; slot++) {
            if (packets[slot] != 0) {
                named.put(name(slot), slot);
            }
        }
        StringBuilder text = new StringBuilder();
        named.forEach((name, slot) -> text.append(prefix)
                .append(String.format("%-10s %12d %14d", name, packets[slot], bytes[slot])).append('\n'));
        return text.toString();
    }

    /** The protocol name of a slot: {@code tcp}, {@code udp}, {@code icmp}, {@code icmpv6}, {@code arp}, {@code other}, or {@code ip-N}. */
    static String name(int slot) {
        return switch (slot) {
            case 1 -> "icmp";
            case 2 -> "igmp";
            case 6 -> "tcp";
            case 17 -> "udp";
            case 47 -> "gre";
            case 50 -> "esp";
            case 58 -> "icmpv6";
            case 132 -> "sctp";
            case SLOT_ARP -> "arp";
            case SLOT_OTHER -> "other";
            default -> "ip-" + slot;
        };
    }
}
