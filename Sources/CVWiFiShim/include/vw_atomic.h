// Acquire/release accesses on plain memory. Rings and flags that live in guest RAM (shared
// with guest code, or placed by address) cannot be Swift `Atomic` values, which must own
// their storage; these give the same ordering on a raw address.
#ifndef VW_ATOMIC_H
#define VW_ATOMIC_H
#include <stdint.h>

static inline __attribute__((always_inline)) uint32_t vw_load_acquire_u32(const uint32_t *p) {
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}
static inline __attribute__((always_inline)) void vw_store_release_u32(uint32_t *p, uint32_t v) {
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}
static inline __attribute__((always_inline)) uint64_t vw_load_acquire_u64(const uint64_t *p) {
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}
static inline __attribute__((always_inline)) void vw_store_release_u64(uint64_t *p, uint64_t v) {
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}
static inline __attribute__((always_inline)) uint32_t vw_load_relaxed_u32(const uint32_t *p) {
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}
static inline __attribute__((always_inline)) void vw_store_relaxed_u32(uint32_t *p, uint32_t v) {
    __atomic_store_n(p, v, __ATOMIC_RELAXED);
}
static inline __attribute__((always_inline)) uint32_t vw_fetch_add_u32(uint32_t *p, uint32_t v) {
    return __atomic_fetch_add(p, v, __ATOMIC_ACQ_REL);
}
static inline __attribute__((always_inline)) uint32_t vw_exchange_u32(uint32_t *p, uint32_t v) {
    return __atomic_exchange_n(p, v, __ATOMIC_ACQ_REL);
}
static inline __attribute__((always_inline)) int vw_cas_u32(uint32_t *p, uint32_t expected, uint32_t desired) {
    return __atomic_compare_exchange_n(p, &expected, desired, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}
/// Full memory fence (store-load ordering, for the futex "waiters" handshake).
static inline __attribute__((always_inline)) void vw_fence_seq_cst(void) {
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}
#endif
