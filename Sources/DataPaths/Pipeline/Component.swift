import Synchronization

/// Roles of the pipeline threads, as `cpu.csv` names them.
public enum Component: String, CaseIterable, Sendable, Codable {
    case app, guest, hypervisor
    case deviceModel = "device_model"
    case hostDriver = "host_driver"
    case device
    /// The device (μCode, air, access point, wired peer) stands for hardware: never host CPU.
    public var countedAsHost: Bool { self != .device }
}
