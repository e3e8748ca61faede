#define _GNU_SOURCE
#include "vw_kvm.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

int vw_ioctl_ptr(int fd, unsigned long request, void *arg) {
    int r = ioctl(fd, request, arg);
    return r < 0 ? -errno : r;
}

int vw_ioctl_int(int fd, unsigned long request, unsigned long arg) {
    int r = ioctl(fd, request, arg);
    return r < 0 ? -errno : r;
}

int vw_open_rdwr(const char *path) {
    int fd = open(path, O_RDWR | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

void *vw_mmap_shared(int fd, size_t len, int *err) {
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) { if (err) *err = errno; return NULL; }
    return p;
}

void *vw_mmap_anonymous(size_t len, int hugepage_hint, int *err) {
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) { if (err) *err = errno; return NULL; }
    if (hugepage_hint) madvise(p, len, MADV_HUGEPAGE);
    return p;
}

int vw_munmap(void *addr, size_t len) { return munmap(addr, len) < 0 ? -errno : 0; }

_Static_assert(sizeof(struct kvm_run) >= 256, "kvm_run layout unexpectedly small");
_Static_assert(sizeof(struct kvm_userspace_memory_region) == 32, "memory region ABI");
