// The notifier's wait (see notifier.h); out of line, as the one-file reference compiled it.
#include "notifier.h"
#include <errno.h>
#include <x86intrin.h>

void vwr_notifier_wait(notifier *n, uint32_t token, int spins, int64_t timeout_ns) {
    if (load_acq(&n->w[2])) return;
    for (int i = 0; i < spins; i++) {
        if (load_acq(&n->w[0]) != token) return;
        _mm_pause();
    }
    int64_t deadline = now_ns() + timeout_ns;
    __atomic_store_n(&n->w[1], 1, __ATOMIC_RELAXED);
    atomic_thread_fence(memory_order_seq_cst);
    for (;;) {
        if (load_acq(&n->w[2]) || load_acq(&n->w[0]) != token) break;
        int64_t left = deadline - now_ns();
        if (left <= 0) break;
        struct timespec ts = {left / 1000000000, left % 1000000000};
        long r = futex(&n->w[0], FUTEX_WAIT_PRIVATE, token, &ts);
        if (r < 0 && errno == ETIMEDOUT) break;
    }
    store_rel(&n->w[1], 0);
}
