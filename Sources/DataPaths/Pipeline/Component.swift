import Synchronization

/// Roles of the pipeline threads, as `cpu.csv` names them.
public enum Component: String, CaseIterable, Sendable, Codable {
    case app, guest, hypervisor
    case deviceModel = "device_model"
    case hostDriver = "host_driver"
    case device
    /// The executor's supervising thread (progress polling, stall watchdog, stopping the
    /// threads): the measuring instrument's own cost, listed so the rows add up to the process.
    case harness
    /// The device (μCode, air, access point, wired peer) stands for hardware and the harness is
    /// the instrument: neither is host CPU.
    public var countedAsHost: Bool { self != .device && self != .harness }
}
