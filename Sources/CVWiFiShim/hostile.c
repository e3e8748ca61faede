#include "vw_hostile.h"
#include <errno.h>
#include <poll.h>

int vw_poll_many(const int *fds, int count, int timeout_ms, int *ready) {
    struct pollfd p[32];
    int slot[32];
    if (count < 0 || count > 32) return -EINVAL;
    int n = 0;
    for (int i = 0; i < count; i++) {
        ready[i] = 0;
        slot[i] = -1;
        if (fds[i] < 0) continue;
        p[n].fd = fds[i];
        p[n].events = POLLIN;
        p[n].revents = 0;
        slot[i] = n++;
    }
    int r = poll(p, (nfds_t)n, timeout_ms);
    if (r < 0) return -errno;
    for (int i = 0; i < count; i++) {
        if (slot[i] >= 0 && (p[slot[i]].revents & (POLLIN | POLLHUP | POLLERR))) ready[i] = 1;
    }
    return r;
}
