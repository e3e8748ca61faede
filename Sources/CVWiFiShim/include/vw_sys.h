// Thin wrappers around system calls Swift cannot call directly (variadic syscall(),
// function-like macros). All return >= 0 on success or -errno.
#ifndef VW_SYS_H
#define VW_SYS_H
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

/// Kernel thread id of the caller.
int vw_gettid(void);

/// FUTEX_WAIT_PRIVATE on `addr` while it holds `expected`. `timeout_ns` < 0 waits forever.
/// Returns 0 when woken, -EAGAIN when the value already differed, -ETIMEDOUT, -EINTR.
int vw_futex_wait(uint32_t *addr, uint32_t expected, int64_t timeout_ns);
/// FUTEX_WAKE_PRIVATE: wakes up to `count` waiters; returns how many were woken.
int vw_futex_wake(uint32_t *addr, int count);

/// eventfd(2) with EFD_CLOEXEC added; `flags` may add EFD_NONBLOCK / EFD_SEMAPHORE.
int vw_eventfd(unsigned int initval, int flags);
/// Adds `value` to the eventfd counter (write(2) of 8 bytes).
int vw_eventfd_signal(int fd, uint64_t value);
/// Reads and clears the counter (blocking unless the fd is non-blocking). Returns 0 and stores it.
int vw_eventfd_wait(int fd, uint64_t *value);
/// poll(2) for readability of one fd; timeout_ms < 0 waits forever. Returns 1 ready, 0 timeout.
int vw_poll_readable(int fd, int timeout_ms);

/// Pins thread `tid` (0 = caller) to one CPU.
int vw_set_affinity_cpu(int tid, int cpu);
/// Writes the allowed-CPU mask of `tid` (0 = caller) as bits into `mask` (`words` 64-bit words).
/// Returns the number of CPUs allowed.
int vw_get_affinity(int tid, uint64_t *mask, int words);
/// CPU the caller runs on now (sched_getcpu).
int vw_current_cpu(void);
/// Names the calling thread (at most 15 characters are kept).
int vw_set_thread_name(const char *name);
/// Sets the caller's timer slack in nanoseconds (PR_SET_TIMERSLACK): precise pacing sleeps.
int vw_set_timer_slack(unsigned long ns);
/// Sleeps until the absolute CLOCK_MONOTONIC time `deadline_ns`. Returns 0 or -EINTR.
int vw_sleep_until_ns(int64_t deadline_ns);
/// CLOCK_MONOTONIC in nanoseconds.
int64_t vw_monotonic_ns(void);
/// CLOCK_THREAD_CPUTIME_ID of the caller in nanoseconds.
int64_t vw_thread_cputime_ns(void);

/// Per-thread resource usage of the caller (getrusage RUSAGE_THREAD).
typedef struct {
    int64_t user_us;
    int64_t system_us;
    int64_t voluntary_switches;
    int64_t involuntary_switches;
    int64_t minor_faults;
    int64_t major_faults;
} vw_thread_usage;
int vw_thread_usage_self(vw_thread_usage *out);
/// The same for the whole process (getrusage RUSAGE_SELF): every thread, live or already
/// joined, so a harness can check that its per-thread accounts add up to it.
int vw_process_usage(vw_thread_usage *out);

/// A real system call with no side effect (getppid), the floor of a user/kernel crossing.
int vw_null_syscall(void);

/// sendmsg/recv on a SOCK_SEQPACKET socketpair: the harness's model of a kernel entry
/// (socket send or ioctl) that copies a buffer across the user/kernel boundary.
int vw_seqpacket_pair(int fds[2]);
/// send(2) with MSG_NOSIGNAL; returns bytes sent or -errno.
long vw_send(int fd, const void *buf, size_t len, int dontwait);
/// recv(2); returns bytes received or -errno.
long vw_recv(int fd, void *buf, size_t len, int dontwait);
/// Sets SO_SNDBUF / SO_RCVBUF (bytes); returns 0 or -errno.
int vw_set_socket_buffers(int fd, int sndbuf, int rcvbuf);
/// close(2).
int vw_close(int fd);

/// Reads `count` 64-bit entries of /proc/self/pagemap starting at virtual page `vpn`, through
/// an already open descriptor. Returns entries read or -errno.
long vw_pagemap_read(int fd, uint64_t vpn, uint64_t *entries, size_t count);

/// Sends `sig` to thread `tid` of this process (tgkill).
int vw_tgkill(int tid, int sig);
/// Installs a no-op handler for `sig` without SA_RESTART, so a blocking call returns -EINTR.
int vw_install_interrupting_handler(int sig);

/// Sets the calling thread's stderr-free error string for `errnum` into buf (strerror_r, GNU).
const char *vw_strerror(int errnum, char *buf, size_t len);
#endif

#ifndef VW_SYS_H_EXTRA
#define VW_SYS_H_EXTRA
/// shutdown(2) both directions: wakes a thread blocked in recv/send/poll on the socket.
int vw_shutdown(int fd);
/// poll(2) on up to two fds (pass -1 to skip one). Sets *ready_a / *ready_b to 1 when readable
/// (or hung up). Returns the number ready, 0 on timeout, or -errno.
int vw_poll2(int fd_a, int fd_b, int timeout_ms, int *ready_a, int *ready_b);
/// poll(2) for writability of one fd; returns 1 ready (or hung up), 0 timeout, or -errno.
int vw_poll_writable(int fd, int timeout_ms);
/// sendmsg(2) of two pieces as one message (a command header and the frame behind it), so the
/// kernel copies each once. Returns bytes sent or -errno.
long vw_send2(int fd, const void *a, size_t alen, const void *b, size_t blen, int dontwait);
/// open(2) O_RDWR|O_CREAT|O_CLOEXEC with mode 0644 (a lock file). Returns the fd or -errno.
int vw_lock_file_open(const char *path);
/// flock(2) without blocking: exclusive != 0 takes LOCK_EX, else LOCK_SH. Returns 0 or -errno
/// (-EWOULDBLOCK when another open file description holds a conflicting lock).
int vw_flock_try(int fd, int exclusive);
#endif
