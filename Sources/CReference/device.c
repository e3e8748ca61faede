// The device's microcode: takes TX descriptors, copies and checks each frame as the access point
// would receive it, and completes the descriptor with an interrupt.
#include "pipeline.h"

static void ucode_transmit(pipe_ctx *c, desc *d) {
    int length = (int)d->length;
    const uint8_t *src = d->flags & FLAG_HOST ? (const uint8_t *)(uintptr_t)d->addr : c->guest_ram + d->addr;
    memcpy(c->staging, src, (size_t)length);
    if (memcmp(c->staging + 10, STATION, 6) != 0) { c->failed = 1; }
    uint32_t fcs = vwr_crc32(c->staging, (size_t)length);
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

void *vwr_ucode_main(void *arg) {
    pipe_ctx *c = arg;
    desc d;
    while (!stopping(c)) {
        if (ring_pop(c->dev_tx, &d)) { ucode_transmit(c, &d); continue; }
        uint32_t token = notifier_prepare(&c->doorbell);
        if (!ring_empty(c->dev_tx) || stopping(c)) continue;
        vwr_notifier_wait(&c->doorbell, token, 100, 100000000);
    }
    return NULL;
}
