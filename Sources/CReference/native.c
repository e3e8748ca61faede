// Native path, as DataPaths builds it: the app's send() on a real UDP socket runs the kernel's
// UDP/IP stack, then, on the same thread, the host driver's transmit routine takes the kernel's
// IP packet off the TUN queue into a DMA buffer behind the link headers and queues it on the
// device; the host driver's own thread is interrupt context (completions hand the buffers back).
// The network is the harness's: the shim's calls, in KernelNetwork.build's order.
#include "pipeline.h"
#include "vw_net.h"
#include "vw_sys.h"

enum { STATION_IPV4 = 0xC6120001, PEER_IPV4 = 0xC6120002, WORKLOAD_PORT = 50000, DISCARD_PORT = 9 };
// As KernelNetwork: the largest payload the options accept plus the IPv4 and UDP headers, and
// room for received packets the app has not read yet.
enum { NET_MTU = 2304 - 8 - 20 - 8 + 28, RECEIVE_BUFFER_BYTES = 8 << 20 };

static int build_network(pipe_ctx *c) {
    int rc = vw_unshare_net();
    if (rc < 0) return rc;
    rc = vw_disable_ipv6_default();
    if (rc < 0 && rc != -ENOENT) return rc;
    char name[16] = {0};
    c->tun = vw_tun_open(name, sizeof name);
    if (c->tun < 0) return c->tun;
    int ctl = vw_udp_socket();
    if (ctl < 0) return ctl;
    rc = vw_if_set_address(ctl, name, STATION_IPV4);
    if (!rc) rc = vw_if_set_netmask(ctl, name, 0xFFFFFF00u);
    if (!rc) rc = vw_if_set_mtu(ctl, name, NET_MTU);
    if (!rc) rc = vw_if_up(ctl, name);
    vw_close(ctl);
    if (rc < 0) return rc;
    c->udp = vw_udp_socket();
    if (c->udp < 0) return c->udp;
    rc = vw_set_rcvbuf_force(c->udp, RECEIVE_BUFFER_BYTES);
    if (!rc) rc = vw_bind_inet(c->udp, STATION_IPV4, WORKLOAD_PORT);
    if (!rc) rc = vw_connect_inet(c->udp, PEER_IPV4, DISCARD_PORT);
    return rc;
}

static void *network_main(void *arg) {
    pipe_ctx *c = arg;
    return (void *)(intptr_t)build_network(c);
}

int vwr_native_network(pipe_ctx *c) {
    c->tun = c->udp = -1;
    // unshare(CLONE_NEWNET) moves only the calling thread; the fds keep the namespace alive.
    pthread_t t;
    if (pthread_create(&t, NULL, network_main, c) != 0) return -EAGAIN;
    void *result = NULL;
    pthread_join(t, &result);
    return (int)(intptr_t)result;
}

// The TX buffer pool: free buffer IDs handed back by the interrupt handler over an SPSC ring.
static int pool_take(pipe_ctx *c) {
    if (c->kept >= 0) {
        int b = c->kept;
        c->kept = -1;
        return b;
    }
    desc d;
    return ring_pop(&c->tx_free, &d) ? d.buffer_id : -1;
}
static int pool_has_free(pipe_ctx *c) { return c->kept >= 0 || !ring_empty(&c->tx_free); }

// The driver's transmit routine, on the sender's thread right after send().
static int transmit(pipe_ctx *c) {
    int b = pool_take(c);
    if (b < 0) return 0;
    uint8_t *frame = c->host_pool + (size_t)b * BUFFER_BYTES;
    uint8_t *ip = frame + IPV4_OFFSET;
    for (;;) {
        long n = vw_read(c->tun, ip, BUFFER_BYTES - IPV4_OFFSET - 4);
        if (n == -EAGAIN) {
            if (stopping(c)) { c->kept = b; return 0; }
            vw_poll_readable(c->tun, 100);
            continue;
        }
        if (n <= 0) { c->kept = b; c->failed = 1; return 0; }
        if (n < 28 + STAMP_BYTES || ip[0] != 0x45 || ip[9] != 17) continue;  // not the run's
        c->kernel_packets++;
        uint32_t seq;
        memcpy(&seq, frame + PAYLOAD_OFFSET, 4);
        write_link_headers(frame, seq);
        desc d = {.addr = (uint64_t)(uintptr_t)frame, .length = (uint32_t)(IPV4_OFFSET + n), .seq = seq,
                  .kind = KIND_TX, .flags = FLAG_HOST, .buffer_id = (uint16_t)b};
        host_queue(c, &d);
        return 1;
    }
}

void *vwr_native_app(void *arg) {
    pipe_ctx *c = arg;
    uint8_t *buffer = aligned_alloc(64, 8192);
    for (long seq = 0; seq < c->packets && !stopping(c); seq++) {
        vwr_write_payload(buffer, c->payload, (uint32_t)seq);
        // A sender blocks while no TX buffer or device slot is free (a stopped queue).
        int room = 0;
        while (!stopping(c)) {
            uint32_t token = notifier_prepare(&c->room);
            if (pool_has_free(c) && !ring_full(&c->tx)) { room = 1; break; }
            vwr_notifier_wait(&c->room, token, 0, 100000000);
        }
        if (!room) break;
        long n;
        while ((n = vw_send(c->udp, buffer, (size_t)c->payload, 1)) == -EAGAIN && !stopping(c))
            vw_poll_writable(c->udp, 100);
        if (n != c->payload || !transmit(c)) break;
    }
    free(buffer);
    return NULL;
}

// Interrupt context: reclaims completed TX buffers and wakes a sender waiting for one.
void *vwr_native_host_driver(void *arg) {
    pipe_ctx *c = arg;
    while (!stopping(c)) {
        int r = vw_poll_readable(c->irq_fd, 100);
        if (r < 0) break;
        if (r == 0) continue;
        uint64_t v;
        if (read(c->irq_fd, &v, 8) == 8) {}
        int reclaimed = 0;
        desc d;
        while (ring_pop(&c->completions, &d)) {
            desc back = {.buffer_id = d.buffer_id};
            ring_push(&c->tx_free, &back);
            __atomic_add_fetch(&c->reclaimed, 1, __ATOMIC_RELAXED);
            reclaimed = 1;
        }
        if (reclaimed) notifier_signal(&c->room);
    }
    return NULL;
}
