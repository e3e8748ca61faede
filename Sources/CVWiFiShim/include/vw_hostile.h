// Polling several VMs' sockets at once (the augmented host driver serves every attached VM).
#ifndef VW_HOSTILE_H
#define VW_HOSTILE_H

/// Polls up to 32 descriptors for input; a negative descriptor is skipped. `ready[i]` is set
/// to 1 when `fds[i]` is readable (or hung up / in error), else 0. Returns poll's count or
/// -errno (-EINVAL when `count` is outside 0...32).
int vw_poll_many(const int *fds, int count, int timeout_ms, int *ready);

#endif
