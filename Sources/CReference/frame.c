// The frame work frame.h does not define: CRC tables, payload pattern, IPv4 checksum.
#include "frame.h"
#include "vw_crc.h"

uint32_t vwr_crc_table[8][256];
pthread_once_t vwr_crc_once = PTHREAD_ONCE_INIT;

void vwr_crc_build(void) {
    uint32_t (*t)[256] = vwr_crc_table;
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        t[0][i] = c;
    }
    for (int i = 0; i < 256; i++)
        for (int k = 1; k < 8; k++) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
}

static inline uint64_t pattern(uint32_t seq, uint64_t word) { return ((uint64_t)seq << 32 | word) * 0x9E3779B97F4A7C15ull; }

void vwr_write_payload(uint8_t *p, int length, uint32_t seq) {
    int i = STAMP_BYTES;
    for (; i < length && (i & 7); i++) p[i] = (uint8_t)(pattern(seq, (uint64_t)i >> 3) >> ((i & 7) * 8));
    for (; i + 8 <= length; i += 8) {
        uint64_t w = pattern(seq, (uint64_t)i >> 3);
        memcpy(p + i, &w, 8);
    }
    for (; i < length; i++) p[i] = (uint8_t)(pattern(seq, (uint64_t)i >> 3) >> ((i & 7) * 8));
    uint32_t stamp[3] = {seq, (uint32_t)length, vw_crc32c(0, p + STAMP_BYTES, (size_t)(length - STAMP_BYTES))};
    memcpy(p, stamp, 12);
}

uint16_t vwr_ip_checksum(const uint8_t *h) {
    uint32_t s = 0;
    for (int i = 0; i < 20; i += 2) s += (uint32_t)(h[i] << 8 | h[i + 1]);
    while (s >> 16) s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}
