// Other processes taking CPU during a run. Measurement reads /proc (as for steal in
// SystemCPUSnapshot); the suites layer decides what to warn and record.
// A process counts as competing when it is outside this harness's process tree (not this
// process, not a descendant by the ppid chain, not in its session: the traffic tools the harness
// spawns are its children) and took more than `threshold` of one CPU over the run. 5 % of a CPU
// is far above an idle daemon's wake-ups (<1 %) yet low enough to catch a job that steals a
// noticeable share of a 2-core machine.
public enum CompetingLoad {
    public static let threshold = 0.05

    /// One /proc/<pid>/stat line: identity, parent, session and utime+stime in clock ticks.
    public struct ProcessStat: Sendable, Equatable {
        public let pid: Int32
        public let comm: String
        public let ppid: Int32
        public let session: Int32
        public let ticks: UInt64
    }

    /// A process over the threshold: pid, command, share of one CPU (0...n).
    public struct Competitor: Sendable, Equatable {
        public let pid: Int32
        public let command: String
        public let cpuShare: Double
        /// "pid:cpu%" as in raw_samples.csv's competing_load column.
        public var mark: String { "\(pid):\(Int((cpuShare * 100).rounded()))" }
    }

    /// Parses a /proc/<pid>/stat text; comm is in parentheses and may hold spaces.
    public static func parse(stat text: String) -> ProcessStat? {
        // [0] pid [1] comm [2] state [3] ppid [4] pgrp [5] session ... [13] utime [14] stime
        guard let f = ProcTaskStat.fields(text: text), f.count > 14, let pid = Int32(f[0]), let ppid = Int32(f[3]),
              let session = Int32(f[5]), let user = UInt64(f[13]), let system = UInt64(f[14]) else { return nil }
        return ProcessStat(pid: pid, comm: String(f[1]), ppid: ppid, session: session, ticks: user + system)
    }

    /// procs_running from a /proc/stat text (runnable tasks right now, this one included).
    public static func procsRunning(stat text: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix("procs_running ") {
            return Int(line.dropFirst("procs_running ".count).trimmedWhitespace)
        }
        return nil
    }

    /// Whether `stat` belongs to the harness `own` (its pid and session): itself, a descendant
    /// by the ppid chain within `table`, or a member of its session.
    public static func isOwn(_ stat: ProcessStat, own pid: Int32, session: Int32,
                             table: [Int32: ProcessStat]) -> Bool {
        if stat.pid == pid || stat.session == session { return true }
        var parent = stat.ppid
        var steps = 0
        while parent > 1, steps < 64 {
            if parent == pid { return true }
            parent = table[parent]?.ppid ?? 0
            steps += 1
        }
        return false
    }

    /// Processes outside the harness whose ticks grew by more than the threshold of one CPU
    /// between `before` and `after`, over `seconds` of wall time, largest first.
    public static func competitors(before: [Int32: ProcessStat], after: [Int32: ProcessStat],
                                   seconds: Double, ticksPerSecond: Double, own pid: Int32,
                                   session: Int32, commands: (Int32) -> String? = { _ in nil }) -> [Competitor] {
        guard seconds > 0 else { return [] }
        var found: [Competitor] = []
        for (id, now) in after where !isOwn(now, own: pid, session: session, table: after) {
            let start = before[id]?.ticks ?? 0
            guard now.ticks > start else { continue }
            let share = Double(now.ticks - start) / ticksPerSecond / seconds
            if share > threshold {
                found.append(Competitor(pid: id, command: commands(id) ?? now.comm, cpuShare: share))
            }
        }
        return found.sorted { $0.cpuShare > $1.cpuShare }
    }
}
