/// How a guest's doorbell write reaches the device model (`--doorbell`, suite field `doorbell`).
public enum DoorbellMode: String, CaseIterable, Sendable, Codable {
    /// The write exits to user space (KVM: an MMIO exit the run loop dispatches through the
    /// bus; thread trap: a hand-off to the exit handler).
    case exit
    /// KVM_IOEVENTFD: the kernel absorbs the write and signals the device model's eventfd, as
    /// vhost does; no user-space exit.
    case ioeventfd
}
