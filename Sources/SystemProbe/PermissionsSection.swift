import Glibc
import Measurement

/// Privileges that decide which counters and namespaces are usable.
public struct PermissionsSection: Codable, Sendable, Equatable {
    public var root: Bool
    /// /proc/sys/kernel/perf_event_paranoid; nil when the kernel has no perf events.
    public var perfEventParanoid: Int?
    /// What the level means for this user, in plain words.
    public var note: String

    public static func probe() -> PermissionsSection {
        let root = geteuid() == 0
        let level = TextFile.firstLine("/proc/sys/kernel/perf_event_paranoid").flatMap { Int($0) }
        let note: String
        switch (root, level) {
        case (_, nil): note = "no /proc/sys/kernel/perf_event_paranoid: the kernel has no perf events"
        case (true, _): note = "root: every counter the kernel offers may be opened"
        case (false, let l?) where l >= 2: note = "perf_event_paranoid=\(l): only user-space counting of own threads; run as root or lower it to 1 for kernel-side counts"
        case (false, let l?): note = "perf_event_paranoid=\(l): own threads may be counted in user and kernel space"
        }
        return PermissionsSection(root: root, perfEventParanoid: level, note: note)
    }
}
