// The native path's private network (see vw_net.h).
#define _GNU_SOURCE
#include "vw_net.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_tun.h>
#include <linux/sock_diag.h>

#define NEG_ERRNO(expr) ((expr) < 0 ? -errno : 0)

int vw_unshare_net(void) { return NEG_ERRNO(unshare(CLONE_NEWNET)); }

int vw_disable_ipv6_default(void) {
    int fd = open("/proc/sys/net/ipv6/conf/default/disable_ipv6", O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    ssize_t r = write(fd, "1", 1);
    int err = r < 0 ? -errno : 0;
    close(fd);
    return err;
}

int vw_tun_open(char *name, size_t name_len) {
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return -errno;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int err = -errno;
        close(fd);
        return err;
    }
    if (name_len > 0) {
        strncpy(name, ifr.ifr_name, name_len - 1);
        name[name_len - 1] = 0;
    }
    return fd;
}

int vw_udp_socket(void) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    return fd < 0 ? -errno : fd;
}

static struct ifreq vw_ifreq(const char *name) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    return ifr;
}

static void vw_put_inet(struct sockaddr *sa, uint32_t addr) {
    struct sockaddr_in *in = (struct sockaddr_in *)sa;
    memset(in, 0, sizeof *in);
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = htonl(addr);
}

int vw_if_set_address(int ctl, const char *name, uint32_t addr) {
    struct ifreq ifr = vw_ifreq(name);
    vw_put_inet(&ifr.ifr_addr, addr);
    return NEG_ERRNO(ioctl(ctl, SIOCSIFADDR, &ifr));
}

int vw_if_set_netmask(int ctl, const char *name, uint32_t mask) {
    struct ifreq ifr = vw_ifreq(name);
    vw_put_inet(&ifr.ifr_netmask, mask);
    return NEG_ERRNO(ioctl(ctl, SIOCSIFNETMASK, &ifr));
}

int vw_if_set_mtu(int ctl, const char *name, int mtu) {
    struct ifreq ifr = vw_ifreq(name);
    ifr.ifr_mtu = mtu;
    return NEG_ERRNO(ioctl(ctl, SIOCSIFMTU, &ifr));
}

int vw_if_up(int ctl, const char *name) {
    struct ifreq ifr = vw_ifreq(name);
    if (ioctl(ctl, SIOCGIFFLAGS, &ifr) < 0) return -errno;
    ifr.ifr_flags |= IFF_UP;
    return NEG_ERRNO(ioctl(ctl, SIOCSIFFLAGS, &ifr));
}

static struct sockaddr_in vw_inet(uint32_t addr, uint16_t port) {
    struct sockaddr_in in;
    vw_put_inet((struct sockaddr *)&in, addr);
    in.sin_port = htons(port);
    return in;
}

int vw_bind_inet(int fd, uint32_t addr, uint16_t port) {
    struct sockaddr_in in = vw_inet(addr, port);
    return NEG_ERRNO(bind(fd, (struct sockaddr *)&in, sizeof in));
}

int vw_connect_inet(int fd, uint32_t addr, uint16_t port) {
    struct sockaddr_in in = vw_inet(addr, port);
    return NEG_ERRNO(connect(fd, (struct sockaddr *)&in, sizeof in));
}

int vw_set_rcvbuf_force(int fd, int bytes) {
    return NEG_ERRNO(setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes));
}

long vw_socket_drops(int fd) {
    uint32_t info[SK_MEMINFO_VARS];
    socklen_t len = sizeof info;
    memset(info, 0, sizeof info);
    if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, info, &len) < 0) return -errno;
    return (long)info[SK_MEMINFO_DROPS];
}

long vw_read(int fd, void *buf, size_t len) {
    ssize_t r = read(fd, buf, len);
    return r < 0 ? -errno : (long)r;
}

long vw_write(int fd, const void *buf, size_t len) {
    ssize_t r = write(fd, buf, len);
    return r < 0 ? -errno : (long)r;
}
