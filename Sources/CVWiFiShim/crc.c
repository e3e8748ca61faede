// CRC-32C with the SSE4.2 crc32 instruction when CPUID says it exists, else slicing-by-1 tables.
#include "vw_crc.h"
#include <cpuid.h>
#include <pthread.h>
#include <string.h>

static uint32_t table[256];
static int hardware;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void setup(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0x82F63B78u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    unsigned a, b, c, d;
    hardware = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_2) ? 1 : 0;
}

int vw_crc32c_hardware(void) {
    pthread_once(&once, setup);
    return hardware;
}

static uint32_t raw_table(uint32_t state, const uint8_t *p, size_t n) {
    while (n--) state = table[(state ^ *p++) & 0xFF] ^ (state >> 8);
    return state;
}

__attribute__((target("sse4.2")))
static uint32_t raw_hardware(uint32_t state, const uint8_t *p, size_t n) {
    uint64_t s = state;
    while (n >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);   // unaligned load; compiles to one mov
        s = __builtin_ia32_crc32di(s, word);
        p += 8;
        n -= 8;
    }
    uint32_t s32 = (uint32_t)s;
    while (n--) s32 = __builtin_ia32_crc32qi(s32, *p++);
    return s32;
}

uint32_t vw_crc32c_table(uint32_t crc, const void *bytes, size_t length) {
    pthread_once(&once, setup);
    return ~raw_table(~crc, bytes, length);
}

uint32_t vw_crc32c(uint32_t crc, const void *bytes, size_t length) {
    pthread_once(&once, setup);
    return hardware ? ~raw_hardware(~crc, bytes, length) : ~raw_table(~crc, bytes, length);
}
