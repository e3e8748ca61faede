// KVM ioctl request numbers (function-like _IO* macros Swift cannot import) and an ioctl
// funnel returning -errno. The KVM structs themselves come from <linux/kvm.h>.
#ifndef VW_KVM_H
#define VW_KVM_H
#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

static const unsigned long VW_KVM_GET_API_VERSION = KVM_GET_API_VERSION;
static const unsigned long VW_KVM_CREATE_VM = KVM_CREATE_VM;
static const unsigned long VW_KVM_CHECK_EXTENSION = KVM_CHECK_EXTENSION;
static const unsigned long VW_KVM_GET_VCPU_MMAP_SIZE = KVM_GET_VCPU_MMAP_SIZE;
static const unsigned long VW_KVM_CREATE_VCPU = KVM_CREATE_VCPU;
static const unsigned long VW_KVM_SET_USER_MEMORY_REGION = KVM_SET_USER_MEMORY_REGION;
static const unsigned long VW_KVM_SET_TSS_ADDR = KVM_SET_TSS_ADDR;
static const unsigned long VW_KVM_RUN = KVM_RUN;
static const unsigned long VW_KVM_GET_REGS = KVM_GET_REGS;
static const unsigned long VW_KVM_SET_REGS = KVM_SET_REGS;
static const unsigned long VW_KVM_GET_SREGS = KVM_GET_SREGS;
static const unsigned long VW_KVM_SET_SREGS = KVM_SET_SREGS;
static const unsigned long VW_KVM_CREATE_IRQCHIP = KVM_CREATE_IRQCHIP;
static const unsigned long VW_KVM_IRQ_LINE = KVM_IRQ_LINE;
static const unsigned long VW_KVM_IRQFD = KVM_IRQFD;
static const unsigned long VW_KVM_SET_GSI_ROUTING = KVM_SET_GSI_ROUTING;
static const unsigned long VW_KVM_GET_LAPIC = KVM_GET_LAPIC;
static const unsigned long VW_KVM_SET_LAPIC = KVM_SET_LAPIC;
static const unsigned long VW_KVM_IOEVENTFD = KVM_IOEVENTFD;
static const unsigned long VW_KVM_ENABLE_CAP = KVM_ENABLE_CAP;
static const unsigned long VW_KVM_SET_CPUID2 = KVM_SET_CPUID2;
static const unsigned long VW_KVM_GET_SUPPORTED_CPUID = KVM_GET_SUPPORTED_CPUID;
static const unsigned long VW_KVM_SET_SIGNAL_MASK = KVM_SET_SIGNAL_MASK;

/// ioctl(2) with a pointer argument; returns the result or -errno.
int vw_ioctl_ptr(int fd, unsigned long request, void *arg);
/// ioctl(2) with an integer argument; returns the result or -errno.
int vw_ioctl_int(int fd, unsigned long request, unsigned long arg);
/// open(2) read/write with O_CLOEXEC; returns the fd or -errno.
int vw_open_rdwr(const char *path);
/// mmap(2) of a shared region of `fd` (the vCPU's kvm_run); returns NULL and sets *err on failure.
void *vw_mmap_shared(int fd, size_t len, int *err);
/// Anonymous private mapping (guest RAM); `hugepage_hint` asks for THP. NULL on failure.
void *vw_mmap_anonymous(size_t len, int hugepage_hint, int *err);
int vw_munmap(void *addr, size_t len);
#endif
