// Named network namespaces (see vw_netns.h); the steps are those of iproute2's `ip netns add`
// and `ip netns del`.
#define _GNU_SOURCE
#include "vw_netns.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>

#define NETNS_RUN_DIR "/run/netns"

// /run/netns as a shared mount point: a namespace file unmounted in one mount namespace is then
// unmounted in all, so the namespace can be freed. Serialized by a lock on the directory: two
// processes doing this at once could stack the recursive bind mounts (iproute2 saw it at boot).
static int vw_netns_prepare_dir(void) {
    if (mkdir(NETNS_RUN_DIR, 0755) < 0 && errno != EEXIST) return -errno;
    int lock = open(NETNS_RUN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (lock < 0) return -errno;
    // A failed lock only loses the protection against a concurrent set-up, as in iproute2.
    int locked = flock(lock, LOCK_EX) == 0;
    int err = 0, made_mount_point = 0;
    while (mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL) < 0) {
        // EINVAL: not a mount point yet; make it one (once) and try again.
        if (errno != EINVAL || made_mount_point) { err = -errno; break; }
        if (mount(NETNS_RUN_DIR, NETNS_RUN_DIR, "none", MS_BIND | MS_REC, NULL) < 0) { err = -errno; break; }
        made_mount_point = 1;
    }
    if (locked) flock(lock, LOCK_UN);
    close(lock);
    return err;
}

int vw_netns_create(const char *path) {
    int err = vw_netns_prepare_dir();
    if (err < 0) return err;
    int fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
    if (fd < 0) return -errno;
    close(fd);
    if (unshare(CLONE_NEWNET) < 0) {
        err = -errno;
        unlink(path);
        return err;
    }
    // thread-self: only this thread moved; /proc/self would name the main thread's namespace.
    if (mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL) < 0) {
        err = -errno;
        unlink(path);
        return err;
    }
    return 0;
}

int vw_netns_delete(const char *path) {
    // Not mounted (a half-made entry) is fine: the unlink below is what must succeed.
    umount2(path, MNT_DETACH);
    return unlink(path) < 0 ? -errno : 0;
}

int vw_netns_open(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int vw_netns_enter(int fd) { return setns(fd, CLONE_NEWNET) < 0 ? -errno : 0; }

int vw_netns_identity(const char *path, uint64_t *dev, uint64_t *ino) {
    struct stat st;
    if (stat(path, &st) < 0) return -errno;
    *dev = (uint64_t)st.st_dev;
    *ino = (uint64_t)st.st_ino;
    return 0;
}
