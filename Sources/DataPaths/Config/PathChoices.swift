/// The three data paths of the paper.
public enum PathKind: String, CaseIterable, Sendable, Codable {
    case native, passthrough, vwifi
}

/// Which way a UDP stream flows: station to access point, back, or both at once (`bidir`: the
/// station and the access point each saturate their end and contend for the medium).
public enum Direction: String, CaseIterable, Sendable, Codable {
    case tx, rx, bidir

    /// The station sends a UDP stream.
    public var sends: Bool { self != .rx }
    /// The access point sends a UDP stream to the station.
    public var receives: Bool { self != .tx }
}

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

/// Who makes the traffic: the harness's own generator, or a real program the user trusts, run
/// in the station's network namespace against its server in the peer namespace behind the
/// access point.
public enum Traffic: String, CaseIterable, Sendable, Codable {
    case builtin
    case iperf3UDP = "iperf3-udp"
    case iperf3TCP = "iperf3-tcp"
    case ping
    case sockperf

    /// A real program, not the harness's generator.
    public var isTool: Bool { self != .builtin }
    /// The executable the traffic needs, and the Debian package that has it.
    public var executable: (name: String, package: String)? {
        switch self {
        case .builtin: nil
        case .iperf3UDP, .iperf3TCP: ("iperf3", "iperf3")
        case .ping: ("ping", "iputils-ping")
        case .sockperf: ("sockperf", "sockperf")
        }
    }
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
