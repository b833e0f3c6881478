/* Shared by pktcount.bpf.c and its readers: the counter slots and their value. */
#ifndef PKTCOUNT_H
#define PKTCOUNT_H

#define PKTCOUNT_SLOT_ARP 256
#define PKTCOUNT_SLOT_OTHER 257
#define PKTCOUNT_SLOTS 258

/* One protocol's totals since the program was loaded. */
struct pktcount_counter {
	__u64 packets;
	__u64 byte_count;
};

#endif
