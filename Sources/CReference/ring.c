// Ring set-up (see ring.h for the ring itself).
#include "ring.h"
#include <errno.h>

int vwr_ring_init(ring *r, int capacity) {
    uint32_t c = 2;
    while ((int)c < capacity) c <<= 1;
    size_t bytes = 256 + (size_t)c * 32;
    void *m = NULL;
    if (posix_memalign(&m, 128, bytes) != 0) return -ENOMEM;
    memset(m, 0, bytes);
    r->memory = m;
    r->prod = (uint32_t *)m;
    r->cons = (uint32_t *)((uint8_t *)m + 128);
    r->slots = (uint8_t *)m + 256;
    r->mask = c - 1;
    r->cap = c;
    r->p_next = r->p_cached = r->c_next = r->c_cached = 0;
    return 0;
}
