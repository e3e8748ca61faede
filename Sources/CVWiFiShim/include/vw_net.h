// The native path's private network: a network namespace, a TUN interface standing for the
// WiFi NIC, and the application's UDP socket. All return >= 0 on success or -errno.
#ifndef VW_NET_H
#define VW_NET_H
#include <stdint.h>
#include <stddef.h>

/// unshare(CLONE_NEWNET): moves the calling thread (only) into a new network namespace.
int vw_unshare_net(void);
/// Writes "1" to /proc/sys/net/ipv6/conf/default/disable_ipv6 of the caller's namespace, so a
/// new interface sends no IPv6 router solicitations (-ENOENT when IPv6 is absent).
int vw_disable_ipv6_default(void);
/// Opens /dev/net/tun (non-blocking) and attaches a new IFF_TUN | IFF_NO_PI interface; the
/// kernel's name for it goes to `name` (at least 16 bytes). Returns the fd.
int vw_tun_open(char *name, size_t name_len);
/// socket(AF_INET, SOCK_DGRAM): a UDP socket (also the handle interface ioctls go through).
int vw_udp_socket(void);
/// SIOCSIFADDR / SIOCSIFNETMASK / SIOCSIFMTU / SIOCSIFFLAGS (IFF_UP) on `name` through `ctl`.
/// Addresses are host-order IPv4.
int vw_if_set_address(int ctl, const char *name, uint32_t addr);
int vw_if_set_netmask(int ctl, const char *name, uint32_t mask);
int vw_if_set_mtu(int ctl, const char *name, int mtu);
int vw_if_up(int ctl, const char *name);
/// bind(2) / connect(2) of an AF_INET socket to a host-order address and port.
int vw_bind_inet(int fd, uint32_t addr, uint16_t port);
int vw_connect_inet(int fd, uint32_t addr, uint16_t port);
/// SO_RCVBUFFORCE (root may exceed rmem_max): room for bursts the app has not read yet.
int vw_set_rcvbuf_force(int fd, int bytes);
/// Packets the kernel dropped at this socket (receive queue full): SO_MEMINFO's drop count.
long vw_socket_drops(int fd);
/// read(2) / write(2) of one packet on a TUN fd; bytes or -errno (-EAGAIN: queue empty).
long vw_read(int fd, void *buf, size_t len);
long vw_write(int fd, const void *buf, size_t len);
#endif
