// vwr_pipeline_run: set-up, the threads of one path, the wait for every TX buffer, tear-down.
#include "pipeline.h"

int vwr_pipeline_run(int path, long packets, long warmup, int payload, int ring_size, vwr_pipeline_result *out) {
    if (path < 0 || path > 2 || packets < 2 || warmup < 0 || warmup >= packets || payload < 18 || payload > 2268 ||
        ring_size < 8 || ring_size > 32768)
        return -EINVAL;
    pthread_once(&vwr_crc_once, vwr_crc_build);
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
    if (path == VWR_VWIFI && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) rc = -errno;
    c->sock_a = fds[0];
    c->sock_b = fds[1];
    c->tun = c->udp = -1;
    c->kept = -1;
    if (!c->staging || !c->seen || c->irq_fd < 0 || c->kick_fd < 0) rc = -ENOMEM;
    if (!rc) rc = vwr_ring_init(&c->tx, ring_size);
    if (!rc) rc = vwr_ring_init(&c->completions, ring_size * 2);
    if (!rc && path == VWR_NATIVE) {
        c->host_pool = aligned_alloc(4096, (size_t)ring_size * BUFFER_BYTES);
        rc = c->host_pool ? vwr_ring_init(&c->tx_free, ring_size) : -ENOMEM;
        if (!rc) {
            memset(c->host_pool, 0, (size_t)ring_size * BUFFER_BYTES);
            for (int i = 0; i < ring_size; i++) {
                desc d = {.buffer_id = (uint16_t)i};
                ring_try_push(&c->tx_free, &d);
            }
            ring_publish(&c->tx_free);
            rc = vwr_native_network(c);
        }
    }
    if (!rc && path != VWR_NATIVE) {
        c->guest_ram = aligned_alloc(4096, GUEST_BYTES);
        if (!c->guest_ram) rc = -ENOMEM;
        else memset(c->guest_ram, 0, GUEST_BYTES);
        if (!rc) rc = vwr_ring_init(&c->gtx, ring_size);
        if (!rc) rc = vwr_ring_init(&c->gcompl, ring_size * 2);
        if (!rc && path == VWR_VWIFI) rc = vwr_build_page_table(c);
    }
    c->dev_tx = path == VWR_PASSTHROUGH ? &c->gtx : &c->tx;
    c->dev_compl = path == VWR_PASSTHROUGH ? &c->gcompl : &c->completions;
    pthread_t threads[5];
    int started = 0;
    void *(*bodies[5])(void *);
    int nbodies = 0;
    bodies[nbodies++] = vwr_ucode_main;
    switch (path) {
    case VWR_NATIVE: bodies[nbodies++] = vwr_native_host_driver; bodies[nbodies++] = vwr_native_app; break;
    case VWR_PASSTHROUGH: bodies[nbodies++] = vwr_guest_main; bodies[nbodies++] = vwr_irq_forwarder_main; break;
    default:
        bodies[nbodies++] = vwr_guest_main; bodies[nbodies++] = vwr_exit_handler_main;
        bodies[nbodies++] = vwr_device_model_main; bodies[nbodies++] = vwr_augmented_host_driver;
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
    notifier_close(&c->room);
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
        out->kernel_packets = c->kernel_packets;
        int64_t span = c->last_ns - c->first_ns;
        out->frames_per_s = c->measured > 1 && span > 0 ? (double)(c->measured - 1) / ((double)span / 1e9) : 0;
    }
    if (c->sock_a >= 0) close(c->sock_a);
    if (c->sock_b >= 0) close(c->sock_b);
    if (c->irq_fd >= 0) close(c->irq_fd);
    if (c->kick_fd >= 0) close(c->kick_fd);
    if (c->udp >= 0) close(c->udp);  // the namespace goes with the last of these two
    if (c->tun >= 0) close(c->tun);
    ring_free(&c->tx);
    ring_free(&c->completions);
    ring_free(&c->gtx);
    ring_free(&c->gcompl);
    ring_free(&c->tx_free);
    vwr_free_page_table(c);
    free(c->guest_ram);
    free(c->host_pool);
    free(c->staging);
    free(c->seen);
    free(c);
    return rc;
}
