// vwifi: the exit handler decodes the trapped doorbell, the device model translates guest
// descriptors and hands each to the augmented host driver by a write(2) on the driver's device
// node (/dev/null stands for it), whose handling (validation, queueing, doorbell) runs right after
// on the device model's thread; the driver's own thread is interrupt context: completions go back
// to the device model over a socket, as in DataPaths.
#include "pipeline.h"
#include <fcntl.h>

void *vwr_exit_handler_main(void *arg) {
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
        vwr_notifier_wait(&c->trap_request, token, 200, 100000000);
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

int vwr_build_page_table(pipe_ctx *c) {
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

void vwr_free_page_table(pipe_ctx *c) {
    if (!c->pml4) return;
    uint64_t **l3 = (uint64_t **)c->pml4[0];
    uint64_t **l2 = l3 ? (uint64_t **)l3[0] : NULL;
    if (l2) for (int i = 0; i < 512; i++) free(l2[i]);
    free(l2);
    free(l3);
    free(c->pml4);
}

// The augmented host driver's command handling, in the device model's system call: validate
// the VM and its source MAC, queue, ring the device's doorbell. 0 when the device queue is full.
static int host_driver_command(pipe_ctx *c, desc *d) {
    const uint8_t *frame = (const uint8_t *)(uintptr_t)d->addr;
    if (d->vmid != 1 || d->kind != KIND_TX || memcmp(frame + 10, STATION, 6) != 0) { c->failed = 1; return 1; }
    if (ring_full(&c->tx)) return 0;
    host_queue(c, d);
    return 1;
}

// One command: the system call, then the driver's handling. 0 when held (device queue full).
static int hand_over(pipe_ctx *c, int node, desc *command) {
    if (write(node, command, sizeof *command) != (ssize_t)sizeof *command) { c->failed = 1; return 1; }
    return host_driver_command(c, command);
}

// The guest's TX ring to the host driver; a held command goes first (it keeps the ring's order).
static void drain_guest_tx(pipe_ctx *c, int node, desc *held, int *holding) {
    if (*holding) {
        if (!hand_over(c, node, held)) return;
        *holding = 0;
    }
    desc d;
    while (ring_pop(&c->gtx, &d)) {
        desc command = d;
        command.vmid = 1;
        if (d.length == 0 || d.length > BUFFER_BYTES) { c->failed = 1; continue; }
        uint8_t *h = translate(c, d.addr);
        if (!h) { c->failed = 1; continue; }
        command.addr = (uint64_t)(uintptr_t)h;
        command.flags = FLAG_HOST;
        if (!hand_over(c, node, &command)) { *held = command; *holding = 1; return; }
    }
}

void *vwr_device_model_main(void *arg) {
    pipe_ctx *c = arg;
    uint8_t message[8192];
    int node = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (node < 0) { c->failed = 1; return NULL; }
    desc held;
    int holding = 0;
    while (!stopping(c)) {
        int kicked = 0, host = 0;
        if (poll2(c->kick_fd, c->sock_a, 100, &kicked, &host) < 0) continue;
        if (kicked) {
            uint64_t v;
            if (read(c->kick_fd, &v, 8) == 8) {}
            drain_guest_tx(c, node, &held, &holding);
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
            if (holding) drain_guest_tx(c, node, &held, &holding);
        }
    }
    close(node);
    return NULL;
}

// Interrupt context only: completions go back to the device model.
void *vwr_augmented_host_driver(void *arg) {
    pipe_ctx *c = arg;
    while (!stopping(c)) {
        int irq = 0, unused = 0;
        if (poll2(c->irq_fd, -1, 100, &irq, &unused) < 0) continue;
        if (irq) {
            uint64_t v;
            if (read(c->irq_fd, &v, 8) == 8) {}
            desc d;
            while (ring_pop(&c->completions, &d)) send_waiting(c->sock_b, &d, sizeof d, &c->stop);
        }
    }
    return NULL;
}
