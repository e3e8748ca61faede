// Hand-off references: a ping-pong over two rings (vwr_handoff) and an in-order transfer over
// one (vwr_ring_transfer), with the ring and notifier Platform uses.
#include "vw_reference.h"
#include "events.h"
#include "notifier.h"
#include "ring.h"
#include <pthread.h>
#include <x86intrin.h>

typedef struct {
    ring to_b, to_a;
    notifier n_b, n_a;
    int fd_b, fd_a;
    int blocking, spins;
    long count;
} pingpong;

// One side's receive and send; both sides use the same pair, so they wait and wake alike.
static inline void pingpong_receive(pingpong *c, ring *r, notifier *n, int fd, desc *d) {
    for (;;) {
        uint32_t token = c->blocking == 1 ? notifier_prepare(n) : 0;
        if (ring_pop(r, d)) return;
        if (c->blocking == 1) vwr_notifier_wait(n, token, c->spins, 1000000000);
        else if (c->blocking == 2) event_wait(fd, 1000);
        else _mm_pause();
    }
}
static inline void pingpong_send(pingpong *c, ring *r, notifier *n, int fd, const desc *d) {
    ring_push(r, d);
    if (c->blocking == 1) notifier_signal(n);
    else if (c->blocking == 2) event_signal(fd);
}

static void *pong_main(void *arg) {
    pingpong *c = arg;
    desc d;
    for (long i = 0; i < c->count; i++) {
        pingpong_receive(c, &c->to_b, &c->n_b, c->fd_b, &d);
        pingpong_send(c, &c->to_a, &c->n_a, c->fd_a, &d);
    }
    return NULL;
}

static uint64_t pingpong_batch(pingpong *c) {
    pthread_t t;
    if (pthread_create(&t, NULL, pong_main, c) != 0) return 0;
    desc d;
    memset(&d, 0, sizeof d);
    uint64_t start = __rdtsc();
    for (long i = 0; i < c->count; i++) {
        d.seq = (uint32_t)i;
        pingpong_send(c, &c->to_b, &c->n_b, c->fd_b, &d);
        pingpong_receive(c, &c->to_a, &c->n_a, c->fd_a, &d);
    }
    uint64_t cycles = __rdtsc() - start;
    pthread_join(t, NULL);
    return cycles;
}

static int compare_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int vwr_handoff(int blocking, int spin_iterations, long round_trips, int batches, double *out) {
    if (blocking < 0 || blocking > 2 || round_trips < 1 || batches < 1 || batches > 1024) return -EINVAL;
    double samples[1024];
    for (int b = 0; b < batches; b++) {
        pingpong *c = NULL;
        if (posix_memalign((void **)&c, 128, sizeof *c) != 0) return -ENOMEM;
        memset(c, 0, sizeof *c);
        if (vwr_ring_init(&c->to_b, 256) || vwr_ring_init(&c->to_a, 256)) { free(c); return -ENOMEM; }
        c->blocking = blocking;
        c->spins = spin_iterations;
        c->count = round_trips;
        c->fd_a = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        c->fd_b = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        uint64_t cycles = c->fd_a >= 0 && c->fd_b >= 0 ? pingpong_batch(c) : 0;
        if (c->fd_a >= 0) close(c->fd_a);
        if (c->fd_b >= 0) close(c->fd_b);
        ring_free(&c->to_b);
        ring_free(&c->to_a);
        free(c);
        if (cycles == 0) return -EAGAIN;
        samples[b] = (double)cycles / (double)round_trips;
    }
    qsort(samples, (size_t)batches, sizeof(double), compare_double);
    *out = batches % 2 ? samples[batches / 2] : (samples[batches / 2 - 1] + samples[batches / 2]) / 2;
    return 0;
}

typedef struct {
    ring r;
    notifier n;
    long count;
    long in_order;
} transfer;

static void *transfer_consumer(void *arg) {
    transfer *t = arg;
    desc d;
    long expected = 0;
    while (expected < t->count) {
        uint32_t token = notifier_prepare(&t->n);
        if (ring_pop(&t->r, &d)) {
            if (d.seq == (uint32_t)expected) t->in_order++;
            expected++;
            continue;
        }
        vwr_notifier_wait(&t->n, token, 200, 1000000000);
    }
    return NULL;
}

long vwr_ring_transfer(long count, int ring_capacity) {
    transfer *t = NULL;
    if (posix_memalign((void **)&t, 128, sizeof *t) != 0) return -ENOMEM;
    memset(t, 0, sizeof *t);
    if (vwr_ring_init(&t->r, ring_capacity)) { free(t); return -ENOMEM; }
    t->count = count;
    pthread_t th;
    if (pthread_create(&th, NULL, transfer_consumer, t) != 0) { ring_free(&t->r); free(t); return -EAGAIN; }
    desc d;
    memset(&d, 0, sizeof d);
    for (long i = 0; i < count; i++) {
        d.seq = (uint32_t)i;
        while (!ring_push(&t->r, &d)) _mm_pause();
        notifier_signal(&t->n);
    }
    pthread_join(th, NULL);
    long delivered = t->in_order;
    ring_free(&t->r);
    free(t);
    return delivered;
}
