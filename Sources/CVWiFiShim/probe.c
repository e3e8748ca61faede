#define _GNU_SOURCE
#include "vw_probe.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int vw_probe_unshare_net(void) {
    pid_t pid = fork();
    if (pid < 0) return -errno;
    if (pid == 0) {
        // Child: only async-signal-safe calls until _exit.
        _exit(unshare(CLONE_NEWNET) == 0 ? 0 : (errno & 0xff));
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return -errno;
    }
    if (!WIFEXITED(status)) return -ECHILD;
    return -WEXITSTATUS(status);
}

int vw_probe_open_rdwr(const char *path) {
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) return -errno;
    close(fd);
    return 0;
}

#define VW_MPOL_BIND 2
#define VW_MPOL_F_NODE (1 << 0)
#define VW_MPOL_F_ADDR (1 << 1)

int vw_mbind_node(void *addr, size_t len, int node) {
    if (node < 0 || node >= 1024) return -EINVAL;
    unsigned long mask[1024 / (8 * sizeof(unsigned long))] = {0};
    mask[node / (8 * sizeof(unsigned long))] = 1UL << (node % (8 * sizeof(unsigned long)));
    long r = syscall(SYS_mbind, addr, len, VW_MPOL_BIND, mask, 1024UL + 1, 0UL);
    return r < 0 ? -errno : 0;
}

int vw_node_of_address(void *addr) {
    int node = -1;
    long r = syscall(SYS_get_mempolicy, &node, NULL, 0UL, addr, (unsigned long)(VW_MPOL_F_NODE | VW_MPOL_F_ADDR));
    return r < 0 ? -errno : node;
}

int vw_mempolicy_mode_of_address(void *addr) {
    int mode = -1;
    unsigned long mask[1024 / (8 * sizeof(unsigned long))] = {0};
    long r = syscall(SYS_get_mempolicy, &mode, mask, 1024UL + 1, addr, (unsigned long)VW_MPOL_F_ADDR);
    return r < 0 ? -errno : mode;
}
