import Glibc
import Measurement

/// The running kernel and its clock source.
public struct KernelSection: Codable, Sendable, Equatable {
    public var release: String
    public var version: String
    public var machine: String
    /// Current clock source (tsc is what makes CLOCK_MONOTONIC cheap and consistent with TSC stamps).
    public var clocksource: String?

    public static func probe() -> KernelSection {
        var names = utsname()
        _ = uname(&names)
        func text<T>(_ field: inout T) -> String {
            withUnsafeBytes(of: &field) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
        }
        return KernelSection(
            release: text(&names.release),
            version: text(&names.version),
            machine: text(&names.machine),
            clocksource: TextFile.firstLine("/sys/devices/system/clocksource/clocksource0/current_clocksource"))
    }
}
