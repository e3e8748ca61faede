// What a killed run leaves behind: namespaces named `vwb-<pid>-...` whose run is gone, perhaps
// with a tool still inside (a second Ctrl-C exits at once, skipping teardown). The next start
// removes them: every `vwb-*` namespace whose pid is not a live harness process.
import CVWiFiShim
import Measurement
#if canImport(Glibc)
import Glibc
#endif

/// One namespace removeStale removed, and the processes it killed inside it.
public struct StaleNamespace: Sendable, CustomStringConvertible {
    public let name: String
    public let killed: [Int32]
    /// Why it could not be removed completely, or nil.
    public let problem: String?

    public var description: String {
        "\(name)" + (killed.isEmpty ? "" : " (killed \(killed.map(String.init).joined(separator: ", ")))")
            + (problem.map { ": \($0)" } ?? "")
    }
}

extension NetworkNamespace {
    /// Executables whose live processes own their `vwb-<pid>-` namespaces: the CLI, and the
    /// package's test runner (its tests make namespaces too, and may run beside a real run).
    public static let harnessExecutables: Set<String> = ["vwifi-bench", "VirtualWiFiBenchPackageTests.xctest"]

    /// Removes every `vwb-*` namespace in /run/netns whose pid (the number after the prefix) is
    /// not a live harness process (this process always counts as live): each process inside is
    /// sent SIGKILL (found by its /proc/<pid>/ns/net inode), then the name is unmounted and
    /// unlinked. Returns what it removed; call it at the start of a tool run.
    public static func removeStale(harness: Set<String> = harnessExecutables,
                                   settleNs: Int64 = 2_000_000_000) -> [StaleNamespace] {
        guard let dir = opendir(directory) else { return [] }
        var names: [String] = []
        while let entry = readdir(dir) {
            // SAFETY: readdir returned a valid entry; d_name is a NUL-terminated array inside it.
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasPrefix(prefix) { names.append(name) }
        }
        closedir(dir)
        return names.sorted().compactMap { name in
            if let pid = ownerPID(of: name), isLiveHarness(pid, harness: harness) { return nil }
            return removeOrphan(name: name, settleNs: settleNs)
        }
    }

    /// The pid in `vwb-<pid>-<n>-<role>`, nil when the name has none.
    static func ownerPID(of name: String) -> Int32? {
        guard name.hasPrefix(prefix) else { return nil }
        return Int32(name.dropFirst(prefix.count).prefix { $0 != "-" })
    }

    /// This process, or a live process whose executable is one of `harness`.
    static func isLiveHarness(_ pid: Int32, harness: Set<String>) -> Bool {
        if pid == getpid() { return true }
        guard pid > 0, vw_process_exists(pid) == 0 else { return false }
        return executableName(of: pid).map(harness.contains) ?? false
    }

    /// The file name of /proc/<pid>/exe (without " (deleted)" when the binary was rebuilt since).
    static func executableName(of pid: Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/\(pid)/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        var path = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if path.hasSuffix(" (deleted)") { path.removeLast(" (deleted)".count) }
        return path.split(separator: "/").last.map(String.init)
    }

    private static func removeOrphan(name: String, settleNs: Int64) -> StaleNamespace {
        let path = "\(directory)/\(name)"
        var killed: [Int32] = []
        var problem: String?
        if let identity = Identity.of(path: path) {
            let me = getpid()
            for pid in processIDs(in: identity) where pid != me {
                if kill(pid, SIGKILL) == 0 { killed.append(pid) }
            }
            // A killed process leaves the namespace as it exits (its namespaces go before it
            // becomes a zombie); wait for that, bounded, so the namespace is really freed.
            let deadline = vw_monotonic_ns() + settleNs
            var left = processIDs(in: identity).filter { $0 != me }
            while !left.isEmpty, vw_monotonic_ns() < deadline {
                _ = vw_sleep_until_ns(vw_monotonic_ns() + 5_000_000)
                left = processIDs(in: identity).filter { $0 != me }
            }
            if !left.isEmpty { problem = "processes still inside after SIGKILL: \(left)" }
        }
        let r = vw_netns_delete(path)
        if let e = SystemCall.errno(of: r), e != .noSuchFileOrDirectory {
            problem = (problem.map { $0 + "; " } ?? "") + "umount/unlink \(path): \(e.named)"
        }
        return StaleNamespace(name: name, killed: killed, problem: problem)
    }
}
