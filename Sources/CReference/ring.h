// The SPSC descriptor ring, following Platform.DescriptorRing line by line.
#ifndef VWR_RING_H
#define VWR_RING_H
#include "internal.h"
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t addr;
    uint32_t length;
    uint32_t seq;
    uint16_t flags;
    uint8_t vmid;
    uint8_t kind;
    uint16_t status;
    uint16_t buffer_id;
    uint64_t aux;
} desc;
_Static_assert(sizeof(desc) == 32, "descriptor is 32 bytes like Platform.Descriptor");

enum { KIND_TX = 1, KIND_TX_STATUS = 2 };
enum { FLAG_HOST = 1 };

// SPSC ring: producer index at 0, consumer index at 128, slots at 256; private indices and the
// cached view of the other side on their own cache lines (as DescriptorRing's `local` block).
typedef struct {
    uint8_t *memory;
    uint32_t *prod, *cons;
    uint8_t *slots;
    uint32_t mask, cap;
    _Alignas(64) uint32_t p_next, p_cached;
    _Alignas(64) uint32_t c_next, c_cached;
} ring;

/// `capacity` rounded up to a power of two (at least 2); 0 or -ENOMEM.
VWR_HIDDEN int vwr_ring_init(ring *r, int capacity);
static inline void ring_free(ring *r) { free(r->memory); }

static inline int ring_try_push(ring *r, const desc *d) {
    uint32_t next = r->p_next;
    if (next - r->p_cached >= r->cap) {
        r->p_cached = load_acq(r->cons);
        if (next - r->p_cached >= r->cap) return 0;
    }
    memcpy(r->slots + (size_t)(next & r->mask) * 32, d, 32);
    r->p_next = next + 1;
    return 1;
}
static inline void ring_publish(ring *r) { store_rel(r->prod, r->p_next); }
static inline int ring_push(ring *r, const desc *d) {
    if (!ring_try_push(r, d)) return 0;
    ring_publish(r);
    return 1;
}
static inline int ring_pop(ring *r, desc *d) {
    uint32_t next = r->c_next;
    if (next == r->c_cached) {
        r->c_cached = load_acq(r->prod);
        if (next == r->c_cached) return 0;
    }
    memcpy(d, r->slots + (size_t)(next & r->mask) * 32, 32);
    r->c_next = next + 1;
    store_rel(r->cons, r->c_next);
    return 1;
}
static inline int ring_full(ring *r) { return r->cap - (r->p_next - load_acq(r->cons)) == 0; }
static inline int ring_empty(ring *r) { return load_acq(r->prod) - load_acq(r->cons) == 0; }
#endif
