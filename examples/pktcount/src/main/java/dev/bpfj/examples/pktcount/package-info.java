/**
 * pktcount: a per-protocol packet and byte counter for one network interface, counted by an XDP
 * program (default) or a tc program (tcx, or the classic clsact qdisc), with its own command line.
 */
package dev.bpfj.examples.pktcount;
