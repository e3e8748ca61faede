/// The three data paths of the paper.
public enum PathKind: String, CaseIterable, Sendable, Codable {
    case native, passthrough, vwifi
}

public enum Direction: String, CaseIterable, Sendable, Codable { case tx, rx }

/// What traffic the run offers.
public enum Workload: String, CaseIterable, Sendable, Codable {
    /// A UDP stream (TX or RX), saturating or at an offered rate.
    case udp
    /// ICMP-style echo request/response round trips.
    case ping
    /// No traffic: for a VM path the guest only takes its timer tick (`timer-hz`), which traps like
    /// any other guest event; for `native` nothing of the harness runs (system idle).
    case idle
}

public enum TranslationMode: String, CaseIterable, Sendable, Codable { case software, iommu }

public enum AirModel: String, CaseIterable, Sendable, Codable {
    case ieee80211g = "80211g"
    /// No pacing: exposes the software path's own limit.
    case none
}

public enum SlotTime: String, CaseIterable, Sendable, Codable { case long, short }

/// How a guest's MMIO doorbell reaches the hypervisor.
public enum TrapBackendChoice: String, CaseIterable, Sendable, Codable {
    /// `kvm` where /dev/kvm works, `thread` otherwise (the reason is recorded).
    case auto
    /// A real KVM vCPU whose guest code is the driver; exits are the hypervisor's own.
    case kvm
    /// A synchronous hand-off from the guest thread to the exit-handler thread.
    case thread
}
