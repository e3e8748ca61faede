// File-descriptor hand-offs: eventfd signal and wait, a two-descriptor poll, a send that waits
// for room.
#ifndef VWR_EVENTS_H
#define VWR_EVENTS_H
#include "internal.h"
#include <errno.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

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
static inline int poll2(int a, int b, int timeout_ms, int *ra, int *rb) {
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

static inline long send_waiting(int fd, const void *buf, size_t len, const int *stop) {
    for (;;) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n >= 0) return n;
        if (errno != EAGAIN || __atomic_load_n(stop, __ATOMIC_RELAXED)) return -errno;
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        poll(&p, 1, 100);
    }
}
#endif
