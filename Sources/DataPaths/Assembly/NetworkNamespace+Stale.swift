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
    /// not a live harness process (of this process's own pid, every name it did not make
    /// itself: a crashed run whose pid it reuses left those): each process inside is
    /// sent SIGKILL (found by its /proc/<pid>/ns/net inode), then the name is unmounted and
    /// unlinked. Returns what it removed; call it at the start of a tool run.
    public static func removeStale(harness: Set<String> = harnessExecutables,
                                   settleNs: Int64 = 2_000_000_000) -> [StaleNamespace] {
        let names = (TextFile.entries(of: directory) ?? []).filter { $0.hasPrefix(prefix) }
        return names.sorted().compactMap { name in
            if let pid = ownerPID(of: name), pid == getpid() ? made.withLock({ $0.contains(name) }) : isLiveHarness(pid, harness: harness) {
                return nil
            }
            return removeOrphan(name: name, settleNs: settleNs)
        }
    }

    /// The one line the CLI prints about what removeStale removed; nil when it removed nothing.
    public static func staleReport(_ removed: [StaleNamespace]) -> String? {
        guard !removed.isEmpty else { return nil }
        let what = removed.count == 1 ? "namespace" : "namespaces"
        return "removed \(removed.count) stale network \(what) of killed runs: "
            + removed.map(\.description).joined(separator: "; ")
    }

    /// The pid in `vwb-<pid>-<n>-<role>`, nil when the name has none.
    static func ownerPID(of name: String) -> Int32? {
        guard name.hasPrefix(prefix) else { return nil }
        return Int32(name.dropFirst(prefix.count).prefix { $0 != "-" })
    }

    /// A live process (not this one) whose executable is one of `harness`.
    static func isLiveHarness(_ pid: Int32, harness: Set<String>) -> Bool {
        guard pid > 0, vw_process_exists(pid) == 0 else { return false }
        return executableName(of: pid).map(harness.contains) ?? false
    }

    /// The file name of /proc/<pid>/exe (without " (deleted)" when the binary was rebuilt since).
    static func executableName(of pid: Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = vw_process_executable(pid, &buffer, buffer.count)
        guard SystemCall.errno(of: n) == nil, n > 0 else { return nil }
        var path = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if path.hasSuffix(" (deleted)") { path.removeLast(" (deleted)".count) }
        return path.split(separator: "/").last.map(String.init)
    }

    private static func removeOrphan(name: String, settleNs: Int64) -> StaleNamespace {
        let path = "\(directory)/\(name)"
        var killed: [Int32] = []
        var problem: String?
        if let identity = Identity.of(path: path) {
            let (gone, left) = killEverything(in: identity, settleNs: settleNs)
            killed = gone
            if !left.isEmpty { problem = "processes still inside after SIGKILL: \(left)" }
        }
        let r = vw_netns_delete(path)
        if let e = SystemCall.errno(of: r), e != .noSuchFileOrDirectory {
            problem = (problem.map { $0 + "; " } ?? "") + "umount/unlink \(path): \(e.named)"
        }
        return StaleNamespace(name: name, killed: killed, problem: problem)
    }

    /// SIGKILL to every process inside the namespace `identity` (never this one), then a bounded
    /// wait until none is left: a killed process leaves the namespace as it exits (its namespaces
    /// go before it becomes a zombie), and only then can the namespace be freed. Returns the pids
    /// signalled and those still inside at the end.
    static func killEverything(in identity: Identity, settleNs: Int64) -> (killed: [Int32], left: [Int32]) {
        let me = getpid()
        var killed: [Int32] = []
        for pid in processIDs(in: identity) where pid != me {
            // ESRCH: it exited on its own meanwhile; nothing else can fail for root.
            if SystemCall.errno(of: vw_kill(pid, SIGKILL)) == nil { killed.append(pid) }
        }
        let deadline = vw_monotonic_ns() + settleNs
        var left = processIDs(in: identity).filter { $0 != me }
        while !left.isEmpty, vw_monotonic_ns() < deadline {
            _ = vw_sleep_until_ns(vw_monotonic_ns() + 5_000_000)
            left = processIDs(in: identity).filter { $0 != me }
        }
        return (killed, left)
    }
}
