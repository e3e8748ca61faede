// Spawning a traffic tool inside a network namespace (see vw_spawn.h).
#define _GNU_SOURCE
#include "vw_spawn.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

extern char **environ;

typedef struct { int stage; int err; } vw_spawn_report;

// Child side: never returns. Only async-signal-safe calls (the parent has other threads, whose
// locks may be held at the fork).
static void vw_spawn_child(const char *path, char *const argv[], int netns_fd, int out_fd, int err_fd,
                           int report_fd, pid_t parent) {
    vw_spawn_report r = { VW_SPAWN_STAGE_NONE, 0 };
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) { r.stage = VW_SPAWN_STAGE_PDEATHSIG; r.err = errno; goto fail; }
    // The parent (thread) may have ended before the prctl: then nothing would kill this child.
    if (getppid() != parent) { r.stage = VW_SPAWN_STAGE_PDEATHSIG; r.err = ESRCH; goto fail; }
    if (netns_fd >= 0 && setns(netns_fd, CLONE_NEWNET) < 0) { r.stage = VW_SPAWN_STAGE_SETNS; r.err = errno; goto fail; }
    if (setpgid(0, 0) < 0) { r.stage = VW_SPAWN_STAGE_SETPGID; r.err = errno; goto fail; }
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0) {
        r.stage = VW_SPAWN_STAGE_STDIO; r.err = errno; goto fail;
    }
    // Nothing of the harness's (TUN fds, sockets, KVM fds) reaches the tool; the report pipe
    // closes at exec, which is how the parent knows exec succeeded.
    syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */);
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &dfl, NULL);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execve(path, argv, environ);
    r.stage = VW_SPAWN_STAGE_EXEC;
    r.err = errno;
fail:
    while (write(report_fd, &r, sizeof r) < 0 && errno == EINTR) {}
    _exit(127);
}

int vw_spawn(const char *path, char *const argv[], int netns_fd, int stdout_fd, int stderr_fd,
             vw_spawn_info *out) {
    out->pid = -1;
    out->pidfd = -1;
    out->stage = VW_SPAWN_STAGE_NONE;
    int report[2];
    if (pipe2(report, O_CLOEXEC) < 0) return -errno;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        int err = -errno;
        close(report[0]);
        close(report[1]);
        return err;
    }
    if (pid == 0) vw_spawn_child(path, argv, netns_fd, stdout_fd, stderr_fd, report[1], parent);
    close(report[1]);
    vw_spawn_report r = { VW_SPAWN_STAGE_NONE, 0 };
    ssize_t n;
    do { n = read(report[0], &r, sizeof r); } while (n < 0 && errno == EINTR);
    close(report[0]);
    if (n == (ssize_t)sizeof r) {
        waitpid(pid, NULL, 0);
        out->stage = r.stage;
        return -r.err;
    }
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pidfd < 0) {
        int err = -errno;
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        out->stage = VW_SPAWN_STAGE_PIDFD;
        return err;
    }
    fcntl(pidfd, F_SETFD, FD_CLOEXEC);
    out->pid = pid;
    out->pidfd = pidfd;
    return pid;
}

int vw_memfd(const char *name) {
    int fd = memfd_create(name, MFD_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

long vw_fd_size(int fd) {
    struct stat st;
    if (fstat(fd, &st) < 0) return -errno;
    return (long)st.st_size;
}

long vw_pread(int fd, void *buf, size_t len, int64_t offset) {
    ssize_t r;
    do { r = pread(fd, buf, len, (off_t)offset); } while (r < 0 && errno == EINTR);
    return r < 0 ? -errno : (long)r;
}

int vw_pidfd_wait(int pidfd, int64_t timeout_ns) {
    struct pollfd p = { .fd = pidfd, .events = POLLIN };
    struct timespec ts, *tp = NULL;
    if (timeout_ns >= 0) {
        ts.tv_sec = (time_t)(timeout_ns / 1000000000);
        ts.tv_nsec = (long)(timeout_ns % 1000000000);
        tp = &ts;
    }
    int r;
    do { r = ppoll(&p, 1, tp, NULL); } while (r < 0 && errno == EINTR);
    return r < 0 ? -errno : (r > 0 ? 1 : 0);
}

int vw_reap(int pid, vw_exit_status *out) {
    int status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    pid_t r;
    do { r = wait4(pid, &status, WNOHANG, &ru); } while (r < 0 && errno == EINTR);
    if (r < 0) return -errno;
    if (r == 0) return 0;
    out->exited = WIFEXITED(status) ? 1 : 0;
    out->code = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
    out->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    out->user_us = (int64_t)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec;
    out->system_us = (int64_t)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
    return 1;
}

int vw_kill_group(int pgid, int sig) { return kill(-pgid, sig) < 0 ? -errno : 0; }

int vw_process_exists(int pid) { return kill(pid, 0) < 0 ? -errno : 0; }

int vw_kill(int pid, int sig) { return kill(pid, sig) < 0 ? -errno : 0; }

long vw_process_executable(int pid, char *out, size_t out_len) {
    if (out_len == 0) return -EINVAL;
    char link[64];
    snprintf(link, sizeof link, "/proc/%d/exe", pid);
    ssize_t n = readlink(link, out, out_len - 1);
    if (n < 0) return -errno;
    out[n] = 0;
    return (long)n;
}
