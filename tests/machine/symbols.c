/* symbols.c — a tiny ELF image with named objects at known physical
 * addresses (linked by tests/machine/CMakeLists.txt), for sym() in scenarios. */
__attribute__((section(".strtab_area"), aligned(4096))) unsigned long long stream_table[512] = { 1 };
__attribute__((section(".queue_area"), aligned(4096))) unsigned long long cmd_queue[512] = { 2 };
void entry(void) {}
