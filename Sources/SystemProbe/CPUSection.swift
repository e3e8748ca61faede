import Glibc
import Measurement

/// The processor: model, how many CPUs, and the flags measurement depends on.
public struct CPUSection: Codable, Sendable, Equatable {
    public var model: String
    public var vendor: String
    /// Online CPUs of the machine.
    public var count: Int
    /// CPUs this process may run on.
    public var allowedCPUs: [Int]
    /// Flags of interest from /proc/cpuinfo, each present or not.
    public var flags: [String: Bool]

    enum CodingKeys: String, CodingKey {
        case model, vendor, count, flags
        case allowedCPUs = "allowed_cpus"  // the snake_case strategy would make "allowed_cp_us"
    }

    public static let flagsOfInterest = [
        "constant_tsc", "nonstop_tsc", "rdtscp", "tsc_known_freq", "hypervisor", "vmx", "svm",
        "avx2", "avx512f", "pdpe1gb",
    ]

    public static func probe() -> CPUSection {
        let flags = CPUInfo.flags()
        return CPUSection(
            model: CPUInfo.modelName() ?? "unknown (no model name in /proc/cpuinfo)",
            vendor: CPUInfo.field("vendor_id") ?? "unknown",
            count: Placement.onlineCPUs().count,
            allowedCPUs: Placement.allowedCPUs(),
            flags: Dictionary(uniqueKeysWithValues: flagsOfInterest.map { ($0, flags.contains($0)) }))
    }
}
