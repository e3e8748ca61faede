#define _GNU_SOURCE
#include "vw_sys.h"
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#define NEG_ERRNO(expr) ((expr) < 0 ? -errno : 0)

int vw_gettid(void) { return (int)syscall(SYS_gettid); }

int vw_futex_wait(uint32_t *addr, uint32_t expected, int64_t timeout_ns) {
    struct timespec ts, *tsp = NULL;
    if (timeout_ns >= 0) {
        ts.tv_sec = timeout_ns / 1000000000LL;
        ts.tv_nsec = timeout_ns % 1000000000LL;
        tsp = &ts;
    }
    long r = syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, expected, tsp, NULL, 0);
    return r < 0 ? -errno : 0;
}

int vw_futex_wake(uint32_t *addr, int count) {
    long r = syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, count, NULL, NULL, 0);
    return r < 0 ? -errno : (int)r;
}

int vw_eventfd(unsigned int initval, int flags) {
    int fd = eventfd(initval, flags | EFD_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int vw_eventfd_signal(int fd, uint64_t value) {
    ssize_t r = write(fd, &value, sizeof value);
    return r < 0 ? -errno : 0;
}

int vw_eventfd_wait(int fd, uint64_t *value) {
    ssize_t r = read(fd, value, sizeof *value);
    return r < 0 ? -errno : 0;
}

int vw_poll_readable(int fd, int timeout_ms) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int r = poll(&p, 1, timeout_ms);
    return r < 0 ? -errno : r;
}

int vw_set_affinity_cpu(int tid, int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return NEG_ERRNO(sched_setaffinity(tid, sizeof set, &set));
}

int vw_get_affinity(int tid, uint64_t *mask, int words) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(tid, sizeof set, &set) < 0) return -errno;
    int n = 0;
    for (int w = 0; w < words; w++) mask[w] = 0;
    for (int c = 0; c < CPU_SETSIZE && c < words * 64; c++) {
        if (CPU_ISSET(c, &set)) { mask[c / 64] |= 1ULL << (c % 64); n++; }
    }
    return n;
}

int vw_current_cpu(void) {
    int c = sched_getcpu();
    return c < 0 ? -errno : c;
}

int vw_set_thread_name(const char *name) {
    char buf[16];
    strncpy(buf, name, 15);
    buf[15] = 0;
    int r = pthread_setname_np(pthread_self(), buf);
    return -r;
}

int vw_set_timer_slack(unsigned long ns) { return NEG_ERRNO(prctl(PR_SET_TIMERSLACK, ns, 0, 0, 0)); }

int vw_sleep_until_ns(int64_t deadline_ns) {
    struct timespec ts = {.tv_sec = deadline_ns / 1000000000LL, .tv_nsec = deadline_ns % 1000000000LL};
    int r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
    return -r;
}

int64_t vw_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t vw_thread_cputime_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int usage_of(int who, vw_thread_usage *out) {
    struct rusage ru;
    if (getrusage(who, &ru) < 0) return -errno;
    out->user_us = (int64_t)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec;
    out->system_us = (int64_t)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
    out->voluntary_switches = ru.ru_nvcsw;
    out->involuntary_switches = ru.ru_nivcsw;
    out->minor_faults = ru.ru_minflt;
    out->major_faults = ru.ru_majflt;
    return 0;
}

int vw_thread_usage_self(vw_thread_usage *out) { return usage_of(RUSAGE_THREAD, out); }

int vw_process_usage(vw_thread_usage *out) { return usage_of(RUSAGE_SELF, out); }

int vw_null_syscall(void) { return (int)syscall(SYS_getppid); }

int vw_seqpacket_pair(int fds[2]) {
    return NEG_ERRNO(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds));
}

long vw_send(int fd, const void *buf, size_t len, int dontwait) {
    ssize_t r = send(fd, buf, len, MSG_NOSIGNAL | (dontwait ? MSG_DONTWAIT : 0));
    return r < 0 ? -errno : (long)r;
}

long vw_recv(int fd, void *buf, size_t len, int dontwait) {
    ssize_t r = recv(fd, buf, len, dontwait ? MSG_DONTWAIT : 0);
    return r < 0 ? -errno : (long)r;
}

int vw_set_socket_buffers(int fd, int sndbuf, int rcvbuf) {
    if (sndbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf) < 0) return -errno;
    if (rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf) < 0) return -errno;
    return 0;
}

int vw_close(int fd) { return NEG_ERRNO(close(fd)); }

long vw_pagemap_read(int fd, uint64_t vpn, uint64_t *entries, size_t count) {
    ssize_t r = pread(fd, entries, count * sizeof(uint64_t), (off_t)(vpn * sizeof(uint64_t)));
    return r < 0 ? -errno : (long)(r / (ssize_t)sizeof(uint64_t));
}

int vw_tgkill(int tid, int sig) { return NEG_ERRNO(syscall(SYS_tgkill, getpid(), tid, sig)); }

static void vw_noop_handler(int sig) { (void)sig; }

int vw_install_interrupting_handler(int sig) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = vw_noop_handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: blocking calls return EINTR */
    return NEG_ERRNO(sigaction(sig, &sa, NULL));
}

const char *vw_strerror(int errnum, char *buf, size_t len) { return strerror_r(errnum, buf, len); }

int vw_shutdown(int fd) { return NEG_ERRNO(shutdown(fd, SHUT_RDWR)); }

int vw_poll2(int fd_a, int fd_b, int timeout_ms, int *ready_a, int *ready_b) {
    struct pollfd p[2];
    int n = 0, ia = -1, ib = -1;
    if (fd_a >= 0) { p[n].fd = fd_a; p[n].events = POLLIN; p[n].revents = 0; ia = n++; }
    if (fd_b >= 0) { p[n].fd = fd_b; p[n].events = POLLIN; p[n].revents = 0; ib = n++; }
    *ready_a = 0;
    *ready_b = 0;
    int r = poll(p, (nfds_t)n, timeout_ms);
    if (r < 0) return -errno;
    if (ia >= 0 && (p[ia].revents & (POLLIN | POLLHUP | POLLERR))) *ready_a = 1;
    if (ib >= 0 && (p[ib].revents & (POLLIN | POLLHUP | POLLERR))) *ready_b = 1;
    return r;
}

long vw_send2(int fd, const void *a, size_t alen, const void *b, size_t blen, int dontwait) {
    struct iovec iov[2] = {{.iov_base = (void *)a, .iov_len = alen}, {.iov_base = (void *)b, .iov_len = blen}};
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iov = iov;
    m.msg_iovlen = blen ? 2 : 1;
    ssize_t r = sendmsg(fd, &m, MSG_NOSIGNAL | (dontwait ? MSG_DONTWAIT : 0));
    return r < 0 ? -errno : (long)r;
}

int vw_poll_writable(int fd, int timeout_ms) {
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    int r = poll(&p, 1, timeout_ms);
    return r < 0 ? -errno : r;
}

int vw_lock_file_open(const char *path) {
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    return fd < 0 ? -errno : fd;
}

int vw_flock_try(int fd, int exclusive) {
    int r;
    do { r = flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB); } while (r < 0 && errno == EINTR);
    return NEG_ERRNO(r);
}
