// The only translation unit that sees <linux/perf_event.h>.
#define _GNU_SOURCE
#include "vw_perf.h"
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <linux/perf_event.h>

int vw_perf_event_open(void *attr, pid_t pid, int cpu, int group_fd, unsigned long flags) {
    long fd = syscall(SYS_perf_event_open, attr, pid, cpu, group_fd, flags | PERF_FLAG_FD_CLOEXEC);
    return fd < 0 ? -errno : (int)fd;
}

static int perf_ioctl(int fd, unsigned long req, int group) {
    int r = ioctl(fd, req, group ? PERF_IOC_FLAG_GROUP : 0);
    return r < 0 ? -errno : r;
}

int vw_perf_enable(int fd, int group) { return perf_ioctl(fd, PERF_EVENT_IOC_ENABLE, group); }
int vw_perf_disable(int fd, int group) { return perf_ioctl(fd, PERF_EVENT_IOC_DISABLE, group); }
int vw_perf_reset(int fd, int group) { return perf_ioctl(fd, PERF_EVENT_IOC_RESET, group); }

long vw_perf_read(int fd, void *buf, size_t len) {
    ssize_t r = read(fd, buf, len);
    return r < 0 ? -errno : (long)r;
}

uint64_t vw_perf_format_group(void) { return PERF_FORMAT_GROUP; }
uint64_t vw_perf_format_total_time_enabled(void) { return PERF_FORMAT_TOTAL_TIME_ENABLED; }
uint64_t vw_perf_format_total_time_running(void) { return PERF_FORMAT_TOTAL_TIME_RUNNING; }
uint64_t vw_perf_format_id(void) { return PERF_FORMAT_ID; }
uint32_t vw_perf_attr_size(void) { return (uint32_t)sizeof(struct perf_event_attr); }

void vw_perf_fill_attr(void *p, uint32_t type, uint64_t config, uint64_t config1, uint64_t config2,
                       int exclude_kernel, int disabled) {
    struct perf_event_attr *attr = p;
    memset(attr, 0, sizeof *attr);
    attr->size = sizeof *attr;
    attr->type = type;
    attr->config = config;
    attr->config1 = config1;
    attr->config2 = config2;
    attr->disabled = disabled ? 1 : 0;
    attr->exclude_kernel = exclude_kernel ? 1 : 0;
    attr->exclude_hv = 1;
    attr->read_format = PERF_FORMAT_GROUP | PERF_FORMAT_TOTAL_TIME_ENABLED |
                        PERF_FORMAT_TOTAL_TIME_RUNNING | PERF_FORMAT_ID;
}

_Static_assert(sizeof(struct perf_event_attr) >= 64, "perf_event_attr smaller than PERF_ATTR_SIZE_VER0");
