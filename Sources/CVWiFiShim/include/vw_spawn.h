// Spawning an external program (a traffic tool) inside a network namespace, with its output
// captured, and waiting for it with a timeout. All return >= 0 or -errno.
#ifndef VW_SPAWN_H
#define VW_SPAWN_H
#include <stdint.h>
#include <stddef.h>

/// Steps of the child between fork and exec; the one that failed is reported to the parent.
enum {
    VW_SPAWN_STAGE_NONE = 0,
    VW_SPAWN_STAGE_PDEATHSIG = 1,   // prctl(PR_SET_PDEATHSIG), or the parent already gone
    VW_SPAWN_STAGE_SETNS = 2,
    VW_SPAWN_STAGE_SETPGID = 3,
    VW_SPAWN_STAGE_STDIO = 4,       // /dev/null on stdin, the capture fds on stdout / stderr
    VW_SPAWN_STAGE_EXEC = 5,
    VW_SPAWN_STAGE_PIDFD = 6,       // parent side: pidfd_open
};

typedef struct {
    int pid;
    /// pidfd_open of the child: readable once it has exited (poll without reaping).
    int pidfd;
    /// On failure, the VW_SPAWN_STAGE_* that failed (the child was reaped already).
    int stage;
} vw_spawn_info;

/// fork; in the child (async-signal-safe calls only): PR_SET_PDEATHSIG SIGKILL (and exit if the
/// parent is already gone), setns into `netns_fd` (< 0: stay), a process group of its own,
/// /dev/null on stdin, `stdout_fd` / `stderr_fd` on 1 / 2, every other fd close-on-exec, default
/// signal dispositions and an empty mask, execve(path, argv, environ). A failure of any step is
/// sent back through a close-on-exec pipe, so the parent returns its -errno (and `stage`)
/// instead of seeing a silent exit 127. The death signal fires when the *thread* that called
/// this exits, not the process: call it from a thread that outlives the child.
int vw_spawn(const char *path, char *const argv[], int netns_fd, int stdout_fd, int stderr_fd,
             vw_spawn_info *out);
/// memfd_create(name, MFD_CLOEXEC): captured output lives in memory, and the writer never blocks.
int vw_memfd(const char *name);
/// Size of a file (fstat st_size).
long vw_fd_size(int fd);
/// pread(2): bytes read or -errno.
long vw_pread(int fd, void *buf, size_t len, int64_t offset);
/// ppoll on a pidfd: 1 when the process has exited, 0 after `timeout_ns` (< 0: forever).
int vw_pidfd_wait(int pidfd, int64_t timeout_ns);

typedef struct {
    /// 1 when it exited (code in `code`), 0 when a signal ended it (number in `signal`).
    int exited;
    int code;
    int signal;
    int64_t user_us;
    int64_t system_us;
} vw_exit_status;
/// wait4(pid, WNOHANG): 1 and the status and rusage when it was reaped now, 0 while it runs.
int vw_reap(int pid, vw_exit_status *out);
/// kill(-pgid, sig): the whole process group.
int vw_kill_group(int pgid, int sig);
/// kill(pid, 0): 0 when `pid` exists (a zombie too), -ESRCH when not.
int vw_process_exists(int pid);
/// kill(pid, sig): one process.
int vw_kill(int pid, int sig);
/// readlink /proc/<pid>/exe into `out` (NUL-terminated): its length, or -errno.
long vw_process_executable(int pid, char *out, size_t out_len);
#endif
