// What the runner needs to know about the machine and the source tree, injected so the CLI can
// pass SystemProbe's machine report and tests can pass a fixed one.
import Foundation
import Measurement

public protocol RunEnvironment: Sendable {
    /// The machine report as JSON: an object with keys cpu, kernel, tsc, counters, permissions,
    /// numa, kvm, network, tools (SystemProbe's MachineReport, JSON-encoded). Nil when unknown.
    func machineReport() -> JSONValue?
    /// The commit the harness was built from, or nil outside a git checkout.
    func gitRevision() -> GitRevision?
    /// Machine-wide CPU counters now (for noise: steal time).
    func cpuTimes() -> CPUTimes?
    /// Other harness instances running on this machine now, as `pid N (command)`.
    func otherInstances() -> [String]
    /// Every process's CPU ticks now (CompetingLoad.snapshot); nil where not watched.
    func processTable() -> [Int32: CompetingLoad.ProcessStat]?
}

extension RunEnvironment {
    public func otherInstances() -> [String] { [] }
    public func processTable() -> [Int32: CompetingLoad.ProcessStat]? { nil }
}

public struct GitRevision: Sendable, Codable, Equatable {
    public var commit: String
    /// Uncommitted changes in tracked files.
    public var dirty: Bool
    public init(commit: String, dirty: Bool) { self.commit = commit; self.dirty = dirty }

    /// Runs `git rev-parse HEAD` and `git status --porcelain` in `directory`; nil when git is
    /// missing or the directory is not a checkout.
    public static func lookUp(in directory: String = FileManager.default.currentDirectoryPath) -> GitRevision? {
        guard let head = run(["git", "-C", directory, "rev-parse", "HEAD"]), head.status == 0 else { return nil }
        let commit = head.output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !commit.isEmpty else { return nil }
        let status = run(["git", "-C", directory, "status", "--porcelain", "--untracked-files=no"])
        let dirty = status.map { $0.status == 0 && !$0.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty } ?? false
        return GitRevision(commit: commit, dirty: dirty)
    }

    static func run(_ argv: [String]) -> (status: Int32, output: String)? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = argv
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// Jiffies from the first line of /proc/stat.
public struct CPUTimes: Sendable, Equatable {
    public var busy: UInt64
    public var idle: UInt64
    public var steal: UInt64
    public init(busy: UInt64, idle: UInt64, steal: UInt64) { self.busy = busy; self.idle = idle; self.steal = steal }
    public var total: UInt64 { busy + idle + steal }

    /// Reads /proc/stat's aggregate `cpu` line; nil where it does not exist.
    public static func read(from path: String = "/proc/stat") -> CPUTimes? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else { return nil }
        let v = line.split(separator: " ").dropFirst().compactMap { UInt64($0) }
        guard v.count >= 8 else { return nil }
        // user nice system idle iowait irq softirq steal [guest guest_nice: already in user]
        return CPUTimes(busy: v[0] + v[1] + v[2] + v[5] + v[6], idle: v[3] + v[4], steal: v[7])
    }

    /// Steal over the interval as percent of all CPU time in it.
    public static func stealPercent(from a: CPUTimes, to b: CPUTimes) -> Double {
        let total = Double(b.total &- a.total)
        return total > 0 ? Double(b.steal &- a.steal) / total * 100 : 0
    }
}

/// Git from the current directory, /proc/stat, and a minimal machine report until SystemProbe's
/// is wired in (the report says so in its `source` field).
public struct BasicRunEnvironment: RunEnvironment {
    public var directory: String
    public init(directory: String = FileManager.default.currentDirectoryPath) { self.directory = directory }

    public func gitRevision() -> GitRevision? { GitRevision.lookUp(in: directory) }
    public func cpuTimes() -> CPUTimes? { CPUTimes.read() }

    public func machineReport() -> JSONValue? {
        var o: [String: JSONValue] = ["source": .string("basic: uname and /proc only (SystemProbe report not wired)")]
        var u = utsname()
        uname(&u)
        func text<T>(_ field: T) -> String {
            withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        o["kernel"] = .object(["release": .string(text(u.release)), "version": .string(text(u.version)),
                               "machine": .string(text(u.machine))])
        var cpu: [String: JSONValue] = ["online": .number(Double(ProcessInfo.processInfo.activeProcessorCount))]
        if let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
           let model = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
           let colon = model.firstIndex(of: ":") {
            cpu["model"] = .string(model[model.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        o["cpu"] = .object(cpu)
        return .object(o)
    }
}

/// Git and /proc/stat as `BasicRunEnvironment`, with the machine report from a closure: how the
/// CLI plugs in SystemProbe, e.g. `ReportingRunEnvironment { JSONValue.from(MachineReport.probe()) }`.
public struct ReportingRunEnvironment: RunEnvironment {
    public var directory: String
    public var report: @Sendable () -> JSONValue?
    /// Who else holds the per-machine instance lock (InstanceLock); nil sees nobody.
    public var instances: (@Sendable () -> [String])? = nil
    public init(directory: String = FileManager.default.currentDirectoryPath, report: @escaping @Sendable () -> JSONValue?) {
        self.directory = directory
        self.report = report
    }
    public func machineReport() -> JSONValue? { report() }
    public func otherInstances() -> [String] { instances?() ?? [] }
    public func processTable() -> [Int32: CompetingLoad.ProcessStat]? { CompetingLoad.snapshot() }
    public func gitRevision() -> GitRevision? { GitRevision.lookUp(in: directory) }
    public func cpuTimes() -> CPUTimes? { CPUTimes.read() }
}
