// perf_event_open and its ioctls. The attr is passed as `void *` so that Swift can hand in
// libpfm4's `struct perf_event_attr` without this header including <linux/perf_event.h>.
#ifndef VW_PERF_H
#define VW_PERF_H
#include <stdint.h>
#include <sys/types.h>

/// perf_event_open(2). Returns the fd or -errno.
int vw_perf_event_open(void *attr, pid_t pid, int cpu, int group_fd, unsigned long flags);
/// PERF_EVENT_IOC_ENABLE / DISABLE / RESET, for the whole group when `group` != 0.
int vw_perf_enable(int fd, int group);
int vw_perf_disable(int fd, int group);
int vw_perf_reset(int fd, int group);
/// read(2) of `len` bytes of counter data.
long vw_perf_read(int fd, void *buf, size_t len);
/// Constants from <linux/perf_event.h> that Swift code needs when filling an attr.
uint64_t vw_perf_format_group(void);
uint64_t vw_perf_format_total_time_enabled(void);
uint64_t vw_perf_format_total_time_running(void);
uint64_t vw_perf_format_id(void);
/// sizeof(struct perf_event_attr) as the running kernel's header defines it.
uint32_t vw_perf_attr_size(void);
/// Writes a disabled, user+kernel counting attr of (type, config) into `attr` (at least
/// vw_perf_attr_size() bytes), with read_format GROUP|TOTAL_TIME_ENABLED|TOTAL_TIME_RUNNING|ID.
void vw_perf_fill_attr(void *attr, uint32_t type, uint64_t config, uint64_t config1,
                       uint64_t config2, int exclude_kernel, int disabled);
#endif
