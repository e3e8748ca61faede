// The futex notifier, following Platform.Notifier's protocol.
#ifndef VWR_NOTIFIER_H
#define VWR_NOTIFIER_H
#include "internal.h"
#include <linux/futex.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>

// [0] sequence, [1] waiter flag, [2] closed.
typedef struct { _Alignas(64) uint32_t w[16]; } notifier;

static inline long futex(uint32_t *addr, int op, uint32_t val, const struct timespec *ts) {
    return syscall(SYS_futex, addr, op, val, ts, NULL, 0);
}

static inline void notifier_signal(notifier *n) {
    __atomic_fetch_add(&n->w[0], 1, __ATOMIC_SEQ_CST);
    atomic_thread_fence(memory_order_seq_cst);
    if (__atomic_load_n(&n->w[1], __ATOMIC_RELAXED) != 0) futex(&n->w[0], FUTEX_WAKE_PRIVATE, 1, NULL);
}
static inline uint32_t notifier_prepare(notifier *n) { return load_acq(&n->w[0]); }

/// Returns once the sequence moved past `token`, the notifier closed or `timeout_ns` passed;
/// spins `spins` pause iterations before sleeping on the futex.
VWR_HIDDEN void vwr_notifier_wait(notifier *n, uint32_t token, int spins, int64_t timeout_ns);

static inline void notifier_close(notifier *n) {
    store_rel(&n->w[2], 1);
    __atomic_fetch_add(&n->w[0], 1, __ATOMIC_SEQ_CST);
    futex(&n->w[0], FUTEX_WAKE_PRIVATE, 0x7fffffff, NULL);
}
#endif
