// Runs the built `vwifi-bench` as a child process (posix_spawn), with stdout and stderr going to
// files, so tests see exactly what a user's shell would: exit status, both streams, files.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How a child process ended.
enum Termination: Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    var description: String {
        switch self {
        case .exited(let s): "exit status \(s)"
        case .signaled(let s): "killed by signal \(s)"
        }
    }
}

enum CLIBinaryError: Error, CustomStringConvertible {
    case notFound([String])
    case spawn(String, Int32)
    var description: String {
        switch self {
        case .notFound(let tried):
            "vwifi-bench not found (tried \(tried.joined(separator: ", "))); build it with `swift build --build-tests` "
                + "or set VWIFI_BENCH_BINARY"
        case .spawn(let path, let e): "posix_spawn \(path) failed: errno \(e)"
        }
    }
}

final class CLIProcess {
    let pid: pid_t
    let stdoutPath: String
    let stderrPath: String
    private(set) var termination: Termination?
    private(set) var endedAt: ContinuousClock.Instant?

    /// The executable next to the test binary: `swift build --build-tests` puts the test bundle and
    /// every product in the same directory (`.build/<triple>/debug`). VWIFI_BENCH_BINARY overrides.
    static func binary() throws -> String {
        var tried: [String] = []
        if let override = ProcessInfo.processInfo.environment["VWIFI_BENCH_BINARY"] {
            if FileManager.default.isExecutableFile(atPath: override) { return override }
            tried.append(override)
        }
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append((exe as NSString).deletingLastPathComponent)
        }
        candidates.append((CommandLine.arguments[0] as NSString).deletingLastPathComponent)
        candidates.append(Bundle.main.bundlePath)
        for dir in candidates {
            let path = (dir as NSString).appendingPathComponent("vwifi-bench")
            if FileManager.default.isExecutableFile(atPath: path) { return path }
            tried.append(path)
        }
        throw CLIBinaryError.notFound(tried)
    }

    /// Starts `vwifi-bench args...`; stdout and stderr go to files in `logDirectory`.
    init(_ args: [String], logDirectory: String) throws {
        let exe = try Self.binary()
        let tag = UUID().uuidString.prefix(8)
        stdoutPath = (logDirectory as NSString).appendingPathComponent("stdout-\(tag).txt")
        stderrPath = (logDirectory as NSString).appendingPathComponent("stderr-\(tag).txt")

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        // The test runner may block or ignore signals; the child starts with the defaults, as
        // from a shell.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGINT, SIGTERM, SIGPIPE, SIGHUP] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var environment = ProcessInfo.processInfo.environment
        // A crashing Swift binary may hang in the backtracer; a crash must fail fast instead.
        environment["SWIFT_BACKTRACE"] = "enable=no"
        let argv = ([exe] + args).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var child = pid_t()
        let rc = posix_spawn(&child, exe, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw CLIBinaryError.spawn(exe, rc) }
        pid = child
    }

    /// Reaps the child if it ended; true once it has.
    @discardableResult
    func poll() -> Bool {
        if termination != nil { return true }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return false }
        endedAt = .now
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import (macros).
        let signal = status & 0x7f
        termination = signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
        return true
    }

    /// Waits up to `seconds`; on timeout kills the child (SIGKILL) and returns nil.
    func wait(seconds: Double) -> Termination? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while !poll() {
            if ContinuousClock.now >= deadline {
                kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
                return nil
            }
            usleep(2_000)
        }
        return termination
    }

    /// Polls `condition` every 10 ms until it holds (true), the child ends or `seconds` pass (false).
    func await(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if condition() { return true }
            if poll() { return condition() }
            usleep(10_000)
        }
        return false
    }

    func send(_ signal: Int32) { kill(pid, signal) }

    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Names of the child's threads (`/proc/<pid>/task/*/comm`); empty once it is gone.
    var threadNames: [String] {
        let task = "/proc/\(pid)/task"
        let ids = (try? FileManager.default.contentsOfDirectory(atPath: task)) ?? []
        return ids.compactMap { id in
            (try? String(contentsOfFile: "\(task)/\(id)/comm", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// Runs to completion (a bad-input case ends at once; the bound only catches a hang).
    static func run(_ args: [String], logDirectory: String, timeoutSeconds: Double = 60) throws
        -> (termination: Termination?, stdout: String, stderr: String) {
        let p = try CLIProcess(args, logDirectory: logDirectory)
        let t = p.wait(seconds: timeoutSeconds)
        return (t, p.stdout, p.stderr)
    }
}

/// A fresh directory under the system temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String
    init(_ label: String) throws {
        path = (NSTemporaryDirectory() as NSString).appendingPathComponent("vwifi-clitests-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: file(name), atomically: false, encoding: .utf8)
    }
    func remove() { try? FileManager.default.removeItem(atPath: path) }

    /// Every entry below `root` (relative path, and size for regular files), sorted: a cheap
    /// fingerprint to show that nothing was created, removed or changed.
    static func listing(_ root: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var entries: [String] = []
        while let rel = walker.nextObject() as? String {
            let attrs = walker.fileAttributes ?? [:]
            let kind = attrs[.type] as? FileAttributeType
            let size = (attrs[.size] as? NSNumber)?.intValue ?? 0
            entries.append(kind == .typeRegular ? "\(rel) \(size)" : "\(rel)/")
        }
        return entries.sorted()
    }
}
