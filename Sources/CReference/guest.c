// The guest (passthrough and vwifi): frames into its own RAM, queues on its TX ring, rings the
// doorbell (a direct notifier on passthrough, a trapped MMIO write on vwifi) and reclaims on its
// interrupt line.
#include "pipeline.h"

static void trap_write(pipe_ctx *c, uint64_t address, uint64_t value) {
    c->trap_address = address;
    c->trap_value = value;
    __atomic_store_n(&c->trap_completed, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&c->trap_pending, 1, __ATOMIC_RELEASE);
    notifier_signal(&c->trap_request);
    while (!__atomic_load_n(&c->trap_completed, __ATOMIC_ACQUIRE)) {
        uint32_t token = notifier_prepare(&c->trap_resume);
        if (__atomic_load_n(&c->trap_completed, __ATOMIC_ACQUIRE) || stopping(c)) break;
        vwr_notifier_wait(&c->trap_resume, token, 200, 100000000);
    }
}

static void guest_service(pipe_ctx *c, uint16_t *free_list, int *free_count) {
    desc d;
    while (ring_pop(&c->gcompl, &d)) {
        free_list[(*free_count)++] = d.buffer_id;
        __atomic_add_fetch(&c->reclaimed, 1, __ATOMIC_RELAXED);
    }
}

void *vwr_guest_main(void *arg) {
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
            vwr_write_payload(app, c->payload, seq);
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
        vwr_notifier_wait(&c->line, token, 50, 100000000);
    }
    free(app);
    free(free_list);
    return NULL;
}

// Passthrough: the hypervisor forwards the physical interrupt (eventfd) into the guest.
void *vwr_irq_forwarder_main(void *arg) {
    pipe_ctx *c = arg;
    while (!stopping(c)) {
        if (!event_wait(c->irq_fd, 100)) continue;
        line_inject(c, 0);
    }
    return NULL;
}
