// What the reference's C files share and Swift never sees (this header sits outside include/).
#ifndef VWR_INTERNAL_H
#define VWR_INTERNAL_H
// Before any system header: every .c file includes one of these headers first.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <time.h>

// Functions one file defines for the others: not exported from the binary, and called
// directly (no PLT), as they were when the reference was one file of static functions.
#define VWR_HIDDEN __attribute__((visibility("hidden")))

static inline int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static inline uint32_t load_acq(uint32_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void store_rel(uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
#endif
