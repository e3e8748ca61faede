// Named network namespaces, kept where iproute2 keeps them (/run/netns/<name>), so `ip netns
// exec <name> ...` enters the same namespace the harness made. All return >= 0 or -errno.
#ifndef VW_NETNS_H
#define VW_NETNS_H
#include <stdint.h>

/// Creates /run/netns (as `ip netns add` does: a shared mount point of its own, so an unmount
/// propagates to every mount namespace), then moves the calling thread (only) into a new network
/// namespace and bind-mounts it on `path` (an empty file made here, O_EXCL: -EEXIST if taken).
/// The caller should be a short-lived thread: it stays in the new namespace. On failure nothing
/// is left at `path`.
int vw_netns_create(const char *path);
/// Detaches the bind mount at `path` and unlinks it (the namespace itself goes when its last
/// process, fd or mount does). -ENOENT when nothing is there.
int vw_netns_delete(const char *path);
/// Opens a namespace file (/run/netns/<name>, /proc/<pid>/ns/net) O_RDONLY | O_CLOEXEC; the fd.
int vw_netns_open(const char *path);
/// setns(fd, CLONE_NEWNET): moves the calling thread (only) into that namespace.
int vw_netns_enter(int fd);
/// The namespace's identity: st_dev and st_ino of `path` (stat follows the nsfs link).
int vw_netns_identity(const char *path, uint64_t *dev, uint64_t *ino);
#endif
