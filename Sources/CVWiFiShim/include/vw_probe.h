// Machine probing and NUMA memory-policy helpers (doctor, placement). Return >= 0 or -errno.
#ifndef VW_PROBE_H
#define VW_PROBE_H
#include <stddef.h>
#include <stdint.h>

/// Forks a child that tries unshare(CLONE_NEWNET) and exits; the parent waits.
/// Returns 0 if the child could create a network namespace, else -errno of the failure.
int vw_probe_unshare_net(void);
/// Opens /dev/net/tun-like `path` read/write and closes it again. Returns 0 or -errno.
int vw_probe_open_rdwr(const char *path);
/// mbind(2) MPOL_BIND of [addr, addr+len) to one NUMA node (`addr` page aligned). 0 or -errno.
int vw_mbind_node(void *addr, size_t len, int node);
/// get_mempolicy(MPOL_F_NODE|MPOL_F_ADDR): the node that backs the page at `addr` (faulting it in).
int vw_node_of_address(void *addr);
/// get_mempolicy(MPOL_F_ADDR): the policy mode at `addr` (0 default, 1 preferred, 2 bind, 3 interleave, ...).
int vw_mempolicy_mode_of_address(void *addr);
#endif
