int not_bpf(void) { return 0; }
