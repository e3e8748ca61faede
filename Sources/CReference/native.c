// Native path: the app sends payloads over a socket; the host driver frames them in its own
// buffer pool and queues them on the device.
#include "pipeline.h"

void *vwr_native_app(void *arg) {
    pipe_ctx *c = arg;
    uint8_t *buffer = aligned_alloc(64, 8192);
    for (long seq = 0; seq < c->packets && !stopping(c); seq++) {
        vwr_write_payload(buffer, c->payload, (uint32_t)seq);
        if (send_waiting(c->sock_a, buffer, (size_t)c->payload, &c->stop) != c->payload) break;
    }
    free(buffer);
    return NULL;
}

void *vwr_native_host_driver(void *arg) {
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
