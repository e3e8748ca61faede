// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78): the payload checksum that Swift and the
// KVM guest program (x86 `crc32` instruction) both compute. SSE4.2 when the CPU has it, else a
// table with identical results.
#ifndef VW_CRC_H
#define VW_CRC_H
#include <stddef.h>
#include <stdint.h>

/// Standard CRC-32C of `length` bytes: init 0xFFFFFFFF, final XOR 0xFFFFFFFF
/// ("123456789" -> 0xE3069283). Continue a previous result by passing it as `crc` (0 to start).
uint32_t vw_crc32c(uint32_t crc, const void *bytes, size_t length);
/// The same with the table only (to test that both implementations agree).
uint32_t vw_crc32c_table(uint32_t crc, const void *bytes, size_t length);
/// 1 when the CPU has SSE4.2 (the `crc32` instruction), else 0.
int vw_crc32c_hardware(void);
#endif
