// Helpers for the VMM module: kvm_run fields behind anonymous unions, the cross-thread
// immediate_exit flag, and the signal that kicks a vCPU thread out of KVM_RUN.
#ifndef VW_VMM_H
#define VW_VMM_H
#include <stdint.h>
#include <stddef.h>
#include <linux/kvm.h>

/// One KVM_RUN exit, flattened from kvm_run's unions (read right after KVM_RUN returns).
typedef struct {
    uint32_t reason;          // KVM_EXIT_*
    uint8_t io_direction;     // KVM_EXIT_IO_IN / _OUT
    uint8_t io_size;          // 1, 2, 4
    uint16_t io_port;
    uint32_t io_count;
    uint64_t io_data_offset;  // byte offset of the data within kvm_run
    uint64_t mmio_address;
    uint32_t mmio_length;
    uint8_t mmio_is_write;
    uint64_t fail_reason;     // FAIL_ENTRY hardware reason / INTERNAL_ERROR suberror
} vw_kvm_exit;

/// Decodes the exit recorded in `run`.
void vw_kvm_exit_decode(const struct kvm_run *run, vw_kvm_exit *out);
/// Address of the 8 MMIO data bytes inside kvm_run.
uint8_t *vw_kvm_run_mmio_data(struct kvm_run *run);
/// Sets kvm_run.immediate_exit from any thread (a relaxed atomic byte store is all KVM needs:
/// it reads the flag on entry to KVM_RUN; the signal covers a vCPU already in the guest).
void vw_kvm_set_immediate_exit(struct kvm_run *run, uint8_t value);
static const uint32_t VW_KVM_IOEVENTFD_FLAG_DEASSIGN = KVM_IOEVENTFD_FLAG_DEASSIGN;

/// KVM_SYNC_X86_REGS: general registers mirrored in kvm_run (KVM_CAP_SYNC_REGS).
static const uint64_t VW_KVM_SYNC_X86_REGS = KVM_SYNC_X86_REGS;
/// The general registers KVM stores into kvm_run on every exit when kvm_valid_regs asks.
struct kvm_regs *vw_kvm_run_sync_regs(struct kvm_run *run);
/// Sets kvm_run.kvm_valid_regs (which register sets KVM mirrors on exit).
void vw_kvm_run_set_valid_regs(struct kvm_run *run, uint64_t sets);
/// ORs `sets` into kvm_run.kvm_dirty_regs: KVM loads them from kvm_run at the next KVM_RUN.
void vw_kvm_run_mark_dirty_regs(struct kvm_run *run, uint64_t sets);

/// Stores `n` bytes at `guest` (guest RAM) as the guest's own code would: ordinary stores,
/// unseen by ThreadSanitizer, like the guest's stores it sits among. Whoever reads these bytes
/// next (the device, the device model) is ordered after them by the guest (its descriptor
/// publication), which no host synchronization shows; `guest` must not overlap `source`.
void vw_guest_store_bytes(void *guest, const void *source, size_t n);

/// Real-time signal used to kick a vCPU thread out of KVM_RUN (SIGRTMIN + 5).
int vw_vmm_kick_signal(void);
/// Unblocks `sig` for the calling thread (a vCPU thread must receive the kick).
int vw_unblock_signal(int sig);
#endif
