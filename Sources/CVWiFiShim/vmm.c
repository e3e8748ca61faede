#define _GNU_SOURCE
#include "vw_vmm.h"
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>

void vw_kvm_exit_decode(const struct kvm_run *run, vw_kvm_exit *out) {
    memset(out, 0, sizeof *out);
    out->reason = run->exit_reason;
    switch (run->exit_reason) {
    case KVM_EXIT_IO:
        out->io_direction = run->io.direction;
        out->io_size = run->io.size;
        out->io_port = run->io.port;
        out->io_count = run->io.count;
        out->io_data_offset = run->io.data_offset;
        break;
    case KVM_EXIT_MMIO:
        out->mmio_address = run->mmio.phys_addr;
        out->mmio_length = run->mmio.len;
        out->mmio_is_write = run->mmio.is_write;
        break;
    case KVM_EXIT_FAIL_ENTRY:
        out->fail_reason = run->fail_entry.hardware_entry_failure_reason;
        break;
    case KVM_EXIT_INTERNAL_ERROR:
        out->fail_reason = run->internal.suberror;
        break;
    default:
        break;
    }
}

uint8_t *vw_kvm_run_mmio_data(struct kvm_run *run) { return run->mmio.data; }

void vw_kvm_set_immediate_exit(struct kvm_run *run, uint8_t value) {
    __atomic_store_n(&run->immediate_exit, value, __ATOMIC_SEQ_CST);
}

struct kvm_regs *vw_kvm_run_sync_regs(struct kvm_run *run) { return &run->s.regs.regs; }
void vw_kvm_run_set_valid_regs(struct kvm_run *run, uint64_t sets) { run->kvm_valid_regs = sets; }
void vw_kvm_run_mark_dirty_regs(struct kvm_run *run, uint64_t sets) { run->kvm_dirty_regs |= sets; }

int vw_vmm_kick_signal(void) { return SIGRTMIN + 5; }

int vw_unblock_signal(int sig) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    int r = pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    return r ? -r : 0;
}

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define VW_UNSEEN_BY_TSAN __attribute__((no_sanitize("thread")))
#endif
#endif
#ifndef VW_UNSEEN_BY_TSAN
#define VW_UNSEEN_BY_TSAN
#endif

/* Word stores through volatile pointers: the compiler neither instruments them (above) nor turns
   the loop into a memcpy call (which the sanitizer's interceptor would see). */
VW_UNSEEN_BY_TSAN void vw_guest_store_bytes(void *guest, const void *source, size_t n) {
    volatile uint8_t *to = guest;
    const volatile uint8_t *from = source;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) *(volatile uint64_t *)(to + i) = *(const volatile uint64_t *)(from + i);
    for (; i < n; i++) to[i] = from[i];
}
