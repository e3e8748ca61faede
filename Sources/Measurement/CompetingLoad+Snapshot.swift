// Reading every /proc/<pid>/stat once: the before/after tables `competitors` compares.
import Glibc

extension CompetingLoad {
    /// Every process's stat now, keyed by pid (processes gone mid-scan are skipped).
    public static func snapshot() -> [Int32: ProcessStat] {
        var table: [Int32: ProcessStat] = [:]
        for name in TextFile.entries(of: "/proc") ?? [] {
            guard let pid = Int32(name), let text = TextFile.read("/proc/\(pid)/stat"),
                  let stat = parse(stat: text) else { continue }
            table[pid] = stat
        }
        return table
    }

    /// The command line of `pid` with NULs as spaces, nil when unreadable or a kernel thread.
    public static func commandLine(of pid: Int32) -> String? {
        guard let text = TextFile.read("/proc/\(pid)/cmdline"), !text.isEmpty else { return nil }
        return text.split(separator: "\0").joined(separator: " ")
    }

    /// This process's pid and session, the harness identity `competitors` excludes.
    public static func ownIdentity() -> (pid: Int32, session: Int32) { (getpid(), getsid(0)) }
}
