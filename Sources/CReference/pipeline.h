// The per-path reference pipelines: DataPaths' threads and hand-offs (PathAssembly.swift), minus
// stamps, category charging, counters and the supervisor. The IOMMU's IOTLB lookup on
// passthrough is skipped (the device adds the guest RAM base to the GPA); vwifi's software
// translation is a real 4-level walk.
#ifndef VWR_PIPELINE_H
#define VWR_PIPELINE_H
#include "vw_reference.h"
#include "events.h"
#include "frame.h"
#include "notifier.h"
#include "ring.h"

enum { GUEST_BYTES = 64 << 20, TX_BUFFERS_GPA = 1 << 20, DOORBELL = 0xF0000030u };

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
    // vwifi: device model side, host driver side of their socket
    int sock_a, sock_b;
    int ring_size;
    // native: the run's TUN device and UDP socket; the host driver's TX buffers, whose IDs the
    // interrupt handler hands back over an SPSC ring, and the sender's wait for one
    int tun, udp;
    _Alignas(128) uint8_t *host_pool;
    int kept;  // a buffer the transmit routine took and did not use (the app's thread only)
    long kernel_packets;  // the app's thread only; read after the join
    ring tx_free;
    notifier room;
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

// Host driver: queue one descriptor and ring the device's doorbell.
static inline void host_queue(pipe_ctx *c, desc *d) {
    ring_push(&c->tx, d);
    notifier_signal(&c->doorbell);
}

// The guest's interrupt line.
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

// Thread bodies (argument: the pipe_ctx), one file per component.
VWR_HIDDEN void *vwr_ucode_main(void *arg);              // device.c: the device's microcode
VWR_HIDDEN void *vwr_native_app(void *arg);              // native.c
VWR_HIDDEN void *vwr_native_host_driver(void *arg);      // native.c
VWR_HIDDEN void *vwr_guest_main(void *arg);              // guest.c: passthrough and vwifi guest
VWR_HIDDEN void *vwr_irq_forwarder_main(void *arg);      // guest.c: passthrough's interrupt path
VWR_HIDDEN void *vwr_exit_handler_main(void *arg);       // vwifi.c
VWR_HIDDEN void *vwr_device_model_main(void *arg);       // vwifi.c
VWR_HIDDEN void *vwr_augmented_host_driver(void *arg);   // vwifi.c

/// The native path's network namespace, TUN device and UDP socket (native.c), made on a
/// short-lived thread; 0 or -errno. pipeline.c closes c->tun and c->udp.
VWR_HIDDEN int vwr_native_network(pipe_ctx *c);

/// vwifi's page table over the guest RAM (vwifi.c); 0 or -ENOMEM. Free with vwr_free_page_table.
VWR_HIDDEN int vwr_build_page_table(pipe_ctx *c);
VWR_HIDDEN void vwr_free_page_table(pipe_ctx *c);
#endif
