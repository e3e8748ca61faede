// Frame work, as FrameFormat does it: payload pattern and stamp CRC-32C, 802.11 + LLC/SNAP + IPv4 +
// UDP headers, FCS (CRC-32, slicing by 8 like Platform.CRC32), and the access point's verification.
#ifndef VWR_FRAME_H
#define VWR_FRAME_H
#include "internal.h"
#include "vw_crc.h"
#include <pthread.h>
#include <stddef.h>
#include <string.h>

enum { PAYLOAD_OFFSET = 60, STAMP_BYTES = 12, OVERHEAD = 64, BUFFER_BYTES = 4096, STAGING = 8192 };
static const uint8_t STATION[6] = {2, 0, 0, 0, 0, 1}, PEER[6] = {2, 0, 0, 0, 0xff, 1}, BSSID[6] = {2, 0, 0, 0, 0xaa, 1};

/// Builds the CRC tables once (pthread_once with vwr_crc_build) before any frame work.
VWR_HIDDEN extern pthread_once_t vwr_crc_once;
VWR_HIDDEN void vwr_crc_build(void);
/// The pattern of `seq` after a 12-byte stamp (seq, length, CRC-32C of the rest: the shim's, which
/// FrameFormat's payload checksum calls).
VWR_HIDDEN void vwr_write_payload(uint8_t *p, int length, uint32_t seq);
VWR_HIDDEN uint16_t vwr_ip_checksum(const uint8_t *h);
VWR_HIDDEN extern uint32_t vwr_crc_table[8][256];

/// CRC-32 (slicing by 8) of `n` bytes. Static, not inline: each file's compiler chooses where
/// to inline it, as it did when the reference was one file.
__attribute__((unused)) static uint32_t vwr_crc32(const uint8_t *p, size_t n) {
    uint32_t c = ~0u;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        uint32_t lo = (uint32_t)w ^ c, hi = (uint32_t)(w >> 32);
        c = vwr_crc_table[7][lo & 0xff] ^ vwr_crc_table[6][(lo >> 8) & 0xff] ^ vwr_crc_table[5][(lo >> 16) & 0xff] ^
            vwr_crc_table[4][lo >> 24] ^ vwr_crc_table[3][hi & 0xff] ^ vwr_crc_table[2][(hi >> 8) & 0xff] ^
            vwr_crc_table[1][(hi >> 16) & 0xff] ^ vwr_crc_table[0][hi >> 24];
        p += 8;
        n -= 8;
    }
    while (n--) c = vwr_crc_table[0][(c ^ *p++) & 0xff] ^ (c >> 8);
    return ~c;
}

static const uint8_t LLC_SNAP_IPV4[8] = {0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00};
enum { IPV4_OFFSET = 32 };

// The 802.11 MAC and LLC/SNAP headers: what a WiFi driver puts in front of an IP packet.
static inline void write_link_headers(uint8_t *p, uint32_t seq) {
    p[0] = 0x08; p[1] = 0x01; p[2] = p[3] = 0;
    memcpy(p + 4, BSSID, 6); memcpy(p + 10, STATION, 6); memcpy(p + 16, PEER, 6);
    uint16_t sc = (uint16_t)((seq & 0xfff) << 4); memcpy(p + 22, &sc, 2);
    memcpy(p + 24, LLC_SNAP_IPV4, 8);
}

// The link headers, then the IPv4 and UDP headers a guest's network stack builds.
static inline void write_headers(uint8_t *p, int payload, uint32_t seq) {
    write_link_headers(p, seq);
    uint8_t *ip = p + IPV4_OFFSET;
    int total = 28 + payload;
    ip[0] = 0x45; ip[1] = 0; ip[2] = (uint8_t)(total >> 8); ip[3] = (uint8_t)total;
    ip[4] = (uint8_t)(seq >> 8); ip[5] = (uint8_t)seq; ip[6] = 0x40; ip[7] = 0; ip[8] = 64; ip[9] = 17;
    ip[10] = ip[11] = 0;
    ip[12] = 198; ip[13] = 18; ip[14] = 0; ip[15] = 1;  // the station, 198.18.0.1
    ip[16] = 198; ip[17] = 18; ip[18] = 0; ip[19] = 2;  // the peer, 198.18.0.2
    uint16_t c = vwr_ip_checksum(ip); ip[10] = (uint8_t)(c >> 8); ip[11] = (uint8_t)c;
    uint8_t *udp = p + 52;
    int ul = 8 + payload;
    udp[0] = 50000 >> 8; udp[1] = 50000 & 0xff; udp[2] = 0; udp[3] = 9;
    udp[4] = (uint8_t)(ul >> 8); udp[5] = (uint8_t)ul; udp[6] = udp[7] = 0;
}

// Returns the payload's seq, or -1 when the frame is corrupt (FrameFormat.verify's checks).
static inline long verify_frame(const uint8_t *f, int length) {
    if (length < OVERHEAD + STAMP_BYTES) return -1;
    uint32_t fcs;
    memcpy(&fcs, f + length - 4, 4);
    if (vwr_crc32(f, (size_t)(length - 4)) != fcs) return -1;
    if (f[0] != 0x08 || memcmp(f + 24, LLC_SNAP_IPV4, 8) != 0 || f[32] != 0x45 || f[41] != 17) return -1;
    int payload = length - OVERHEAD;
    if ((f[34] << 8 | f[35]) != 28 + payload || vwr_ip_checksum(f + 32) != 0) return -1;
    if ((f[56] << 8 | f[57]) != 8 + payload) return -1;
    // The UDP ports say the kind; a TX stream frame goes 50000 -> 9 (discard).
    if ((f[52] << 8 | f[53]) != 50000 || (f[54] << 8 | f[55]) != 9) return -1;
    uint32_t stamp[3];
    memcpy(stamp, f + PAYLOAD_OFFSET, 12);
    if ((int)stamp[1] != payload) return -1;
    if (vw_crc32c(0, f + PAYLOAD_OFFSET + STAMP_BYTES, (size_t)(payload - STAMP_BYTES)) != stamp[2]) return -1;
    return stamp[0];
}
#endif
