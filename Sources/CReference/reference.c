// Minimal C references (see include/vw_reference.h). The ring and the notifier follow
// Platform.DescriptorRing and Platform.Notifier line by line; the pipelines follow
// DataPaths' threads and hand-offs (PathAssembly.swift), minus stamps, category charging,
// counters and the supervisor. The IOMMU's IOTLB lookup on passthrough is skipped (the device
// adds the guest RAM base to the GPA); vwifi's software translation is a real 4-level walk.
#define _GNU_SOURCE
#include "vw_reference.h"
#include <errno.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

// MARK: primitives

static inline int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static inline uint32_t load_acq(uint32_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void store_rel(uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

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

static int ring_init(ring *r, int capacity) {
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

static void ring_free(ring *r) { free(r->memory); }

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

// Futex notifier: [0] sequence, [1] waiter flag, [2] closed (Notifier's protocol).
typedef struct { _Alignas(64) uint32_t w[16]; } notifier;

static long futex(uint32_t *addr, int op, uint32_t val, const struct timespec *ts) {
    return syscall(SYS_futex, addr, op, val, ts, NULL, 0);
}

static inline void notifier_signal(notifier *n) {
    __atomic_fetch_add(&n->w[0], 1, __ATOMIC_SEQ_CST);
    atomic_thread_fence(memory_order_seq_cst);
    if (__atomic_load_n(&n->w[1], __ATOMIC_RELAXED) != 0) futex(&n->w[0], FUTEX_WAKE_PRIVATE, 1, NULL);
}
static inline uint32_t notifier_prepare(notifier *n) { return load_acq(&n->w[0]); }

static void notifier_wait(notifier *n, uint32_t token, int spins, int64_t timeout_ns) {
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

static void notifier_close(notifier *n) {
    store_rel(&n->w[2], 1);
    __atomic_fetch_add(&n->w[0], 1, __ATOMIC_SEQ_CST);
    futex(&n->w[0], FUTEX_WAKE_PRIVATE, 0x7fffffff, NULL);
}

static inline void event_signal(int fd) {
    uint64_t one = 1;
    ssize_t r = write(fd, &one, 8);
    (void)r;
}
static inline int event_wait(int fd, int timeout_ms) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, timeout_ms) <= 0) return 0;
    uint64_t v;
    return read(fd, &v, 8) == 8;
}
static int poll2(int a, int b, int timeout_ms, int *ra, int *rb) {
    struct pollfd p[2];
    int n = 0, ia = -1, ib = -1;
    if (a >= 0) { p[n].fd = a; p[n].events = POLLIN; p[n].revents = 0; ia = n++; }
    if (b >= 0) { p[n].fd = b; p[n].events = POLLIN; p[n].revents = 0; ib = n++; }
    *ra = *rb = 0;
    int r = poll(p, (nfds_t)n, timeout_ms);
    if (r < 0) return -errno;
    if (ia >= 0 && (p[ia].revents & (POLLIN | POLLHUP | POLLERR))) *ra = 1;
    if (ib >= 0 && (p[ib].revents & (POLLIN | POLLHUP | POLLERR))) *rb = 1;
    return r;
}

static long send_waiting(int fd, const void *buf, size_t len, const int *stop) {
    for (;;) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n >= 0) return n;
        if (errno != EAGAIN || __atomic_load_n(stop, __ATOMIC_RELAXED)) return -errno;
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        poll(&p, 1, 100);
    }
}

// MARK: hand-off reference

typedef struct {
    ring to_b, to_a;
    notifier n_b, n_a;
    int fd_b, fd_a;
    int blocking, spins;
    long count;
} pingpong;

static void *pong_main(void *arg) {
    pingpong *c = arg;
    desc d;
    for (long i = 0; i < c->count; i++) {
        for (;;) {
            uint32_t token = c->blocking == 1 ? notifier_prepare(&c->n_b) : 0;
            if (ring_pop(&c->to_b, &d)) break;
            if (c->blocking == 1) notifier_wait(&c->n_b, token, c->spins, 1000000000);
            else if (c->blocking == 2) event_wait(c->fd_b, 1000);
            else _mm_pause();
        }
        ring_push(&c->to_a, &d);
        if (c->blocking == 1) notifier_signal(&c->n_a);
        else if (c->blocking == 2) event_signal(c->fd_a);
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
        ring_push(&c->to_b, &d);
        if (c->blocking == 1) notifier_signal(&c->n_b);
        else if (c->blocking == 2) event_signal(c->fd_b);
        for (;;) {
            uint32_t token = c->blocking == 1 ? notifier_prepare(&c->n_a) : 0;
            if (ring_pop(&c->to_a, &d)) break;
            if (c->blocking == 1) notifier_wait(&c->n_a, token, c->spins, 1000000000);
            else if (c->blocking == 2) event_wait(c->fd_a, 1000);
            else _mm_pause();
        }
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
        if (ring_init(&c->to_b, 256) || ring_init(&c->to_a, 256)) { free(c); return -ENOMEM; }
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
        notifier_wait(&t->n, token, 200, 1000000000);
    }
    return NULL;
}

long vwr_ring_transfer(long count, int ring_capacity) {
    transfer *t = NULL;
    if (posix_memalign((void **)&t, 128, sizeof *t) != 0) return -ENOMEM;
    memset(t, 0, sizeof *t);
    if (ring_init(&t->r, ring_capacity)) { free(t); return -ENOMEM; }
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

// MARK: frame work (FrameFormat: payload pattern + stamp CRC, headers, FCS, verification)

static uint32_t crc_table[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;
static void crc_build(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[0][i] = c;
    }
    for (int i = 0; i < 256; i++)
        for (int k = 1; k < 8; k++) crc_table[k][i] = (crc_table[k - 1][i] >> 8) ^ crc_table[0][crc_table[k - 1][i] & 0xff];
}
static uint32_t crc32_sb8(const uint8_t *p, size_t n) {
    uint32_t c = ~0u;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        uint32_t lo = (uint32_t)w ^ c, hi = (uint32_t)(w >> 32);
        c = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^ crc_table[5][(lo >> 16) & 0xff] ^
            crc_table[4][lo >> 24] ^ crc_table[3][hi & 0xff] ^ crc_table[2][(hi >> 8) & 0xff] ^
            crc_table[1][(hi >> 16) & 0xff] ^ crc_table[0][hi >> 24];
        p += 8;
        n -= 8;
    }
    while (n--) c = crc_table[0][(c ^ *p++) & 0xff] ^ (c >> 8);
    return ~c;
}

enum { PAYLOAD_OFFSET = 60, STAMP_BYTES = 12, OVERHEAD = 64, BUFFER_BYTES = 4096, STAGING = 8192 };
static const uint8_t STATION[6] = {2, 0, 0, 0, 0, 1}, PEER[6] = {2, 0, 0, 0, 0xff, 1}, BSSID[6] = {2, 0, 0, 0, 0xaa, 1};

static inline uint64_t pattern(uint32_t seq, uint64_t word) { return ((uint64_t)seq << 32 | word) * 0x9E3779B97F4A7C15ull; }

static void write_payload(uint8_t *p, int length, uint32_t seq) {
    int i = STAMP_BYTES;
    for (; i < length && (i & 7); i++) p[i] = (uint8_t)(pattern(seq, (uint64_t)i >> 3) >> ((i & 7) * 8));
    for (; i + 8 <= length; i += 8) {
        uint64_t w = pattern(seq, (uint64_t)i >> 3);
        memcpy(p + i, &w, 8);
    }
    for (; i < length; i++) p[i] = (uint8_t)(pattern(seq, (uint64_t)i >> 3) >> ((i & 7) * 8));
    uint32_t stamp[3] = {seq, (uint32_t)length, crc32_sb8(p + STAMP_BYTES, (size_t)(length - STAMP_BYTES))};
    memcpy(p, stamp, 12);
}

static uint16_t ip_checksum(const uint8_t *h) {
    uint32_t s = 0;
    for (int i = 0; i < 20; i += 2) s += (uint32_t)(h[i] << 8 | h[i + 1]);
    while (s >> 16) s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static void write_headers(uint8_t *p, int payload, uint32_t seq) {
    p[0] = 0x08; p[1] = 0x01; p[2] = p[3] = 0;
    memcpy(p + 4, BSSID, 6); memcpy(p + 10, STATION, 6); memcpy(p + 16, PEER, 6);
    uint16_t sc = (uint16_t)((seq & 0xfff) << 4); memcpy(p + 22, &sc, 2);
    static const uint8_t snap[8] = {0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00};
    memcpy(p + 24, snap, 8);
    uint8_t *ip = p + 32;
    int total = 28 + payload;
    ip[0] = 0x45; ip[1] = 0; ip[2] = (uint8_t)(total >> 8); ip[3] = (uint8_t)total;
    ip[4] = (uint8_t)(seq >> 8); ip[5] = (uint8_t)seq; ip[6] = 0x40; ip[7] = 0; ip[8] = 64; ip[9] = 17;
    ip[10] = ip[11] = 0;
    ip[12] = 10; ip[13] = 0; ip[14] = 0; ip[15] = STATION[5];
    ip[16] = 10; ip[17] = 0; ip[18] = 0; ip[19] = PEER[5];
    uint16_t c = ip_checksum(ip); ip[10] = (uint8_t)(c >> 8); ip[11] = (uint8_t)c;
    uint8_t *udp = p + 52;
    int ul = 8 + payload;
    udp[0] = 50000 >> 8; udp[1] = 50000 & 0xff; udp[2] = 0; udp[3] = 9;
    udp[4] = (uint8_t)(ul >> 8); udp[5] = (uint8_t)ul; udp[6] = udp[7] = 0;
}

// Returns the payload's seq, or -1 when the frame is corrupt (FrameFormat.verify's checks).
static long verify_frame(const uint8_t *f, int length) {
    if (length < OVERHEAD + STAMP_BYTES) return -1;
    uint32_t fcs;
    memcpy(&fcs, f + length - 4, 4);
    if (crc32_sb8(f, (size_t)(length - 4)) != fcs) return -1;
    if (f[0] != 0x08 || f[24] != 0xAA || f[30] != 0x08 || f[32] != 0x45 || f[41] != 17) return -1;
    int payload = length - OVERHEAD;
    if ((f[34] << 8 | f[35]) != 28 + payload || ip_checksum(f + 32) != 0) return -1;
    if ((f[56] << 8 | f[57]) != 8 + payload) return -1;
    uint32_t stamp[3];
    memcpy(stamp, f + PAYLOAD_OFFSET, 12);
    if ((int)stamp[1] != payload) return -1;
    if (crc32_sb8(f + PAYLOAD_OFFSET + STAMP_BYTES, (size_t)(payload - STAMP_BYTES)) != stamp[2]) return -1;
    return stamp[0];
}

// MARK: pipelines

enum { GUEST_BYTES = 64 << 20 };

typedef struct {
    int path;
    long packets, warmup;
    int payload;
    // Each group written per packet by one thread sits on its own cache-line pair, so no
    // thread's hot reads share a line with another thread's hot writes.
    _Alignas(128) int stop;  // set by the main thread: every loop ends
    int failed;
    _Alignas(128) long reclaimed;  // TX buffers returned to the sender side
    // device: its TX and completion rings (the guest's own rings on passthrough)
    ring tx, completions;
    ring *dev_tx, *dev_compl;
    notifier doorbell;
    int irq_fd;
    _Alignas(128) uint8_t *staging;
    uint8_t *seen;
    long delivered, measured;
    int64_t first_ns, last_ns;
    // native / vwifi host driver
    int sock_a, sock_b;  // app|devmodel side, host driver side
    int ring_size;
    _Alignas(128) uint8_t *host_pool;
    uint16_t *host_free;
    int host_free_count;
    // guest
    _Alignas(128) uint8_t *guest_ram;
    ring gtx, gcompl;
    notifier line;
    _Alignas(64) uint32_t line_pending;
    uint32_t line_cause;
    // vwifi trap and device model
    notifier trap_request, trap_resume;
    _Alignas(64) uint32_t trap_pending;
    uint32_t trap_completed;
    uint64_t trap_address, trap_value;
    int kick_fd;
    uint64_t **pml4;   // the VM's 4-level table (software translation)
} pipe_ctx;

static inline int stopping(pipe_ctx *c) { return __atomic_load_n(&c->stop, __ATOMIC_RELAXED); }

static void ucode_transmit(pipe_ctx *c, desc *d) {
    int length = (int)d->length;
    const uint8_t *src = d->flags & FLAG_HOST ? (const uint8_t *)(uintptr_t)d->addr : c->guest_ram + d->addr;
    memcpy(c->staging, src, (size_t)length);
    if (memcmp(c->staging + 10, STATION, 6) != 0) { c->failed = 1; }
    uint32_t fcs = crc32_sb8(c->staging, (size_t)length);
    memcpy(c->staging + length, &fcs, 4);
    int64_t now = now_ns();
    long seq = verify_frame(c->staging, length + 4);
    if (seq < 0 || seq >= c->packets + 64 || c->seen[seq]) { c->failed = 1; }
    else {
        c->seen[seq] = 1;
        c->delivered++;
        if (seq >= c->warmup) {
            if (c->measured == 0) c->first_ns = now;
            c->measured++;
            c->last_ns = now;
        }
    }
    desc done = *d;
    done.kind = KIND_TX_STATUS;
    done.status = 0;
    ring_push(c->dev_compl, &done);
    event_signal(c->irq_fd);
}

static void *ucode_main(void *arg) {
    pipe_ctx *c = arg;
    desc d;
    while (!stopping(c)) {
        if (ring_pop(c->dev_tx, &d)) { ucode_transmit(c, &d); continue; }
        uint32_t token = notifier_prepare(&c->doorbell);
        if (!ring_empty(c->dev_tx) || stopping(c)) continue;
        notifier_wait(&c->doorbell, token, 100, 100000000);
    }
    return NULL;
}

// Host driver: queue one descriptor and ring the device's doorbell.
static inline void host_queue(pipe_ctx *c, desc *d) {
    ring_push(&c->tx, d);
    notifier_signal(&c->doorbell);
}

// MARK: native

static void *native_app(void *arg) {
    pipe_ctx *c = arg;
    uint8_t *buffer = aligned_alloc(64, 8192);
    for (long seq = 0; seq < c->packets && !stopping(c); seq++) {
        write_payload(buffer, c->payload, (uint32_t)seq);
        if (send_waiting(c->sock_a, buffer, (size_t)c->payload, &c->stop) != c->payload) break;
    }
    free(buffer);
    return NULL;
}

static void *native_host_driver(void *arg) {
    pipe_ctx *c = arg;
    while (!stopping(c)) {
        int room = c->host_free_count > 0 && !ring_full(&c->tx);
        int app = 0, irq = 0;
        if (poll2(room ? c->sock_b : -1, c->irq_fd, 100, &app, &irq) < 0) continue;
        if (irq) {
            uint64_t v;
            if (read(c->irq_fd, &v, 8) == 8) {}
            desc d;
            while (ring_pop(&c->completions, &d)) {
                c->host_free[c->host_free_count++] = d.buffer_id;
                __atomic_add_fetch(&c->reclaimed, 1, __ATOMIC_RELAXED);
            }
        }
        if (app) {
            while (c->host_free_count > 0 && !ring_full(&c->tx)) {
                uint16_t b = c->host_free[c->host_free_count - 1];
                uint8_t *frame = c->host_pool + (size_t)b * BUFFER_BYTES;
                ssize_t n = recv(c->sock_b, frame + PAYLOAD_OFFSET, BUFFER_BYTES - PAYLOAD_OFFSET - 8, MSG_DONTWAIT);
                if (n <= 0) break;
                c->host_free_count--;
                uint32_t seq;
                memcpy(&seq, frame + PAYLOAD_OFFSET, 4);
                write_headers(frame, (int)n, seq);
                desc d = {.addr = (uint64_t)(uintptr_t)frame, .length = (uint32_t)(PAYLOAD_OFFSET + n), .seq = seq,
                          .kind = KIND_TX, .flags = FLAG_HOST, .buffer_id = b};
                host_queue(c, &d);
            }
        }
    }
    return NULL;
}

// MARK: guest (passthrough and vwifi)

static inline int line_take(pipe_ctx *c) {
    if (__atomic_load_n(&c->line_pending, __ATOMIC_RELAXED) == 0) return 0;
    __atomic_exchange_n(&c->line_pending, 0, __ATOMIC_ACQUIRE);
    return 1;
}
static inline void line_inject(pipe_ctx *c, uint32_t seq) {
    __atomic_store_n(&c->line_cause, seq, __ATOMIC_RELEASE);
    __atomic_add_fetch(&c->line_pending, 1, __ATOMIC_RELEASE);
    notifier_signal(&c->line);
}

static void trap_write(pipe_ctx *c, uint64_t address, uint64_t value) {
    c->trap_address = address;
    c->trap_value = value;
    __atomic_store_n(&c->trap_completed, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&c->trap_pending, 1, __ATOMIC_RELEASE);
    notifier_signal(&c->trap_request);
    while (!__atomic_load_n(&c->trap_completed, __ATOMIC_ACQUIRE)) {
        uint32_t token = notifier_prepare(&c->trap_resume);
        if (__atomic_load_n(&c->trap_completed, __ATOMIC_ACQUIRE) || stopping(c)) break;
        notifier_wait(&c->trap_resume, token, 200, 100000000);
    }
}

enum { TX_BUFFERS_GPA = 1 << 20, DOORBELL = 0xF0000030u };

static void guest_service(pipe_ctx *c, uint16_t *free_list, int *free_count) {
    desc d;
    while (ring_pop(&c->gcompl, &d)) {
        free_list[(*free_count)++] = d.buffer_id;
        __atomic_add_fetch(&c->reclaimed, 1, __ATOMIC_RELAXED);
    }
}

static void *guest_main(void *arg) {
    pipe_ctx *c = arg;
    uint8_t *app = aligned_alloc(64, BUFFER_BYTES);
    uint16_t *free_list = calloc((size_t)c->ring_size, sizeof(uint16_t));
    int free_count = c->ring_size;
    for (int i = 0; i < c->ring_size; i++) free_list[i] = (uint16_t)(c->ring_size - 1 - i);
    long next = 0;
    uint32_t tail = 0;
    while (!stopping(c)) {
        if (line_take(c)) { guest_service(c, free_list, &free_count); continue; }
        if (next < c->packets && free_count > 0 && !ring_full(&c->gtx)) {
            uint32_t seq = (uint32_t)next++;
            uint16_t b = free_list[--free_count];
            uint64_t gpa = TX_BUFFERS_GPA + (uint64_t)b * BUFFER_BYTES;
            uint8_t *host = c->guest_ram + gpa;
            write_payload(app, c->payload, seq);
            write_headers(host, c->payload, seq);
            memcpy(host + PAYLOAD_OFFSET, app, (size_t)c->payload);
            desc d = {.addr = gpa, .length = (uint32_t)(PAYLOAD_OFFSET + c->payload), .seq = seq, .kind = KIND_TX,
                      .buffer_id = b};
            ring_push(&c->gtx, &d);
            tail++;
            if (c->path == VWR_PASSTHROUGH) notifier_signal(&c->doorbell);
            else trap_write(c, DOORBELL, tail);
            continue;
        }
        uint32_t token = notifier_prepare(&c->line);
        if (line_take(c)) { guest_service(c, free_list, &free_count); continue; }
        notifier_wait(&c->line, token, 50, 100000000);
    }
    free(app);
    free(free_list);
    return NULL;
}

// Passthrough: the hypervisor forwards the physical interrupt (eventfd) into the guest.
static void *irq_forwarder_main(void *arg) {
    pipe_ctx *c = arg;
    while (!stopping(c)) {
        if (!event_wait(c->irq_fd, 100)) continue;
        line_inject(c, 0);
    }
    return NULL;
}

// MARK: vwifi

static void *exit_handler_main(void *arg) {
    pipe_ctx *c = arg;
    while (!stopping(c)) {
        uint32_t token = notifier_prepare(&c->trap_request);
        if (__atomic_exchange_n(&c->trap_pending, 0, __ATOMIC_ACQUIRE)) {
            // Decode: route by address (the timer's range, then the device's).
            uint64_t a = c->trap_address;
            if (!(a >= 0xFEE00000u && a - 0xFEE00000u < 0x1000) && a >= 0xF0000000u && a - 0xF0000000u < 0x2000 &&
                a - 0xF0000000u == 0x30)
                event_signal(c->kick_fd);
            __atomic_store_n(&c->trap_completed, 1, __ATOMIC_RELEASE);
            notifier_signal(&c->trap_resume);
            continue;
        }
        notifier_wait(&c->trap_request, token, 200, 100000000);
    }
    return NULL;
}

// A 4-level walk of the VM's page table (GPA -> host address), as SoftwareTranslator does.
static uint8_t *translate(pipe_ctx *c, uint64_t gpa) {
    uint64_t **l3 = (uint64_t **)c->pml4[(gpa >> 39) & 511];
    if (!l3) return NULL;
    uint64_t **l2 = (uint64_t **)l3[(gpa >> 30) & 511];
    if (!l2) return NULL;
    uint64_t *l1 = (uint64_t *)l2[(gpa >> 21) & 511];
    if (!l1) return NULL;
    uint64_t page = l1[(gpa >> 12) & 511];
    if (!(page & 1)) return NULL;
    return (uint8_t *)(uintptr_t)(page & ~0xfffull) + (gpa & 0xfff);
}

static int build_page_table(pipe_ctx *c) {
    c->pml4 = calloc(512, sizeof(void *));
    uint64_t **l3 = calloc(512, sizeof(void *));
    uint64_t **l2 = calloc(512, sizeof(void *));
    if (!c->pml4 || !l3 || !l2) return -ENOMEM;
    c->pml4[0] = (uint64_t *)l3;
    l3[0] = (uint64_t *)l2;
    for (uint64_t gpa = 0; gpa < GUEST_BYTES; gpa += 1 << 21) {
        uint64_t *l1 = calloc(512, sizeof(uint64_t));
        if (!l1) return -ENOMEM;
        for (int i = 0; i < 512; i++) l1[i] = (uint64_t)(uintptr_t)(c->guest_ram + gpa + (uint64_t)i * 4096) | 1;
        l2[gpa >> 21] = l1;
    }
    return 0;
}

static void free_page_table(pipe_ctx *c) {
    if (!c->pml4) return;
    uint64_t **l3 = (uint64_t **)c->pml4[0];
    uint64_t **l2 = l3 ? (uint64_t **)l3[0] : NULL;
    if (l2) for (int i = 0; i < 512; i++) free(l2[i]);
    free(l2);
    free(l3);
    free(c->pml4);
}

static void *device_model_main(void *arg) {
    pipe_ctx *c = arg;
    uint8_t message[8192];
    while (!stopping(c)) {
        int kicked = 0, host = 0;
        if (poll2(c->kick_fd, c->sock_a, 100, &kicked, &host) < 0) continue;
        if (kicked) {
            uint64_t v;
            if (read(c->kick_fd, &v, 8) == 8) {}
            desc d;
            while (ring_pop(&c->gtx, &d)) {
                desc command = d;
                command.vmid = 1;
                if (d.length == 0 || d.length > BUFFER_BYTES) { c->failed = 1; continue; }
                uint8_t *h = translate(c, d.addr);
                if (!h) { c->failed = 1; continue; }
                command.addr = (uint64_t)(uintptr_t)h;
                command.flags = FLAG_HOST;
                if (send_waiting(c->sock_a, &command, sizeof command, &c->stop) != sizeof command) break;
            }
        }
        if (host) {
            for (;;) {
                ssize_t n = recv(c->sock_a, message, sizeof message, MSG_DONTWAIT);
                if (n < (ssize_t)sizeof(desc)) break;
                desc status;
                memcpy(&status, message, sizeof status);
                status.addr = TX_BUFFERS_GPA + (uint64_t)status.buffer_id * BUFFER_BYTES;
                ring_push(&c->gcompl, &status);
                line_inject(c, status.seq);
            }
        }
    }
    return NULL;
}

static void *augmented_host_driver(void *arg) {
    pipe_ctx *c = arg;
    while (!stopping(c)) {
        int command = 0, irq = 0;
        if (poll2(!ring_full(&c->tx) ? c->sock_b : -1, c->irq_fd, 100, &command, &irq) < 0) continue;
        if (irq) {
            uint64_t v;
            if (read(c->irq_fd, &v, 8) == 8) {}
            desc d;
            while (ring_pop(&c->completions, &d)) send_waiting(c->sock_b, &d, sizeof d, &c->stop);
        }
        if (command) {
            while (!ring_full(&c->tx)) {
                desc d;
                ssize_t n = recv(c->sock_b, &d, sizeof d, MSG_DONTWAIT);
                if (n != sizeof d) break;
                const uint8_t *frame = (const uint8_t *)(uintptr_t)d.addr;
                if (d.vmid != 1 || d.kind != KIND_TX || memcmp(frame + 10, STATION, 6) != 0) { c->failed = 1; continue; }
                host_queue(c, &d);
            }
        }
    }
    return NULL;
}

// MARK: run

int vwr_pipeline_run(int path, long packets, long warmup, int payload, int ring_size, vwr_pipeline_result *out) {
    if (path < 0 || path > 2 || packets < 2 || warmup < 0 || warmup >= packets || payload < 18 || payload > 2268 ||
        ring_size < 8 || ring_size > 32768)
        return -EINVAL;
    pthread_once(&crc_once, crc_build);
    pipe_ctx *c = NULL;
    if (posix_memalign((void **)&c, 128, sizeof *c) != 0) return -ENOMEM;
    memset(c, 0, sizeof *c);
    c->path = path;
    c->packets = packets;
    c->warmup = warmup;
    c->payload = payload;
    c->ring_size = ring_size;
    int rc = 0;
    c->staging = aligned_alloc(64, STAGING);
    c->seen = calloc((size_t)packets + 64, 1);
    c->irq_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    c->kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    int fds[2] = {-1, -1};
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) rc = -errno;
    c->sock_a = fds[0];
    c->sock_b = fds[1];
    if (!c->staging || !c->seen || c->irq_fd < 0 || c->kick_fd < 0) rc = -ENOMEM;
    if (!rc) rc = ring_init(&c->tx, ring_size);
    if (!rc) rc = ring_init(&c->completions, ring_size * 2);
    if (!rc && path == VWR_NATIVE) {
        c->host_pool = aligned_alloc(4096, (size_t)ring_size * BUFFER_BYTES);
        c->host_free = calloc((size_t)ring_size, sizeof(uint16_t));
        if (!c->host_pool || !c->host_free) rc = -ENOMEM;
        else {
            memset(c->host_pool, 0, (size_t)ring_size * BUFFER_BYTES);
            for (int i = 0; i < ring_size; i++) c->host_free[i] = (uint16_t)(ring_size - 1 - i);
            c->host_free_count = ring_size;
        }
    }
    if (!rc && path != VWR_NATIVE) {
        c->guest_ram = aligned_alloc(4096, GUEST_BYTES);
        if (!c->guest_ram) rc = -ENOMEM;
        else memset(c->guest_ram, 0, GUEST_BYTES);
        if (!rc) rc = ring_init(&c->gtx, ring_size);
        if (!rc) rc = ring_init(&c->gcompl, ring_size * 2);
        if (!rc && path == VWR_VWIFI) rc = build_page_table(c);
    }
    c->dev_tx = path == VWR_PASSTHROUGH ? &c->gtx : &c->tx;
    c->dev_compl = path == VWR_PASSTHROUGH ? &c->gcompl : &c->completions;
    pthread_t threads[5];
    int started = 0;
    void *(*bodies[5])(void *);
    int nbodies = 0;
    bodies[nbodies++] = ucode_main;
    switch (path) {
    case VWR_NATIVE: bodies[nbodies++] = native_host_driver; bodies[nbodies++] = native_app; break;
    case VWR_PASSTHROUGH: bodies[nbodies++] = guest_main; bodies[nbodies++] = irq_forwarder_main; break;
    default:
        bodies[nbodies++] = guest_main; bodies[nbodies++] = exit_handler_main;
        bodies[nbodies++] = device_model_main; bodies[nbodies++] = augmented_host_driver;
    }
    int64_t start = now_ns();
    if (!rc) {
        for (int i = 0; i < nbodies; i++) {
            if (pthread_create(&threads[i], NULL, bodies[i], c) != 0) { rc = -EAGAIN; break; }
            started++;
        }
    }
    if (!rc) {
        // Wait until every TX buffer came back (or no progress for 10 s).
        long last = -1;
        int64_t last_change = now_ns();
        for (;;) {
            struct timespec ts = {0, 1000000};
            nanosleep(&ts, NULL);
            long r = __atomic_load_n(&c->reclaimed, __ATOMIC_RELAXED);
            if (r >= packets || c->failed) break;
            if (r != last) { last = r; last_change = now_ns(); }
            else if (now_ns() - last_change > 10000000000LL) { rc = -ETIMEDOUT; break; }
        }
    }
    int64_t stop = now_ns();
    __atomic_store_n(&c->stop, 1, __ATOMIC_RELAXED);
    notifier_close(&c->doorbell);
    notifier_close(&c->line);
    notifier_close(&c->trap_request);
    notifier_close(&c->trap_resume);
    if (c->sock_a >= 0) shutdown(c->sock_a, SHUT_RDWR);
    if (c->sock_b >= 0) shutdown(c->sock_b, SHUT_RDWR);
    if (c->irq_fd >= 0) event_signal(c->irq_fd);
    if (c->kick_fd >= 0) event_signal(c->kick_fd);
    for (int i = 0; i < started; i++) pthread_join(threads[i], NULL);
    if (!rc && c->failed) rc = -EPROTO;
    if (!rc) {
        out->delivered = c->delivered;
        out->measured = c->measured;
        out->wall_s = (double)(stop - start) / 1e9;
        int64_t span = c->last_ns - c->first_ns;
        out->frames_per_s = c->measured > 1 && span > 0 ? (double)(c->measured - 1) / ((double)span / 1e9) : 0;
    }
    if (c->sock_a >= 0) close(c->sock_a);
    if (c->sock_b >= 0) close(c->sock_b);
    if (c->irq_fd >= 0) close(c->irq_fd);
    if (c->kick_fd >= 0) close(c->kick_fd);
    ring_free(&c->tx);
    ring_free(&c->completions);
    ring_free(&c->gtx);
    ring_free(&c->gcompl);
    free_page_table(c);
    free(c->guest_ram);
    free(c->host_pool);
    free(c->host_free);
    free(c->staging);
    free(c->seen);
    free(c);
    return rc;
}
