// A traffic tool the harness runs as a real program (iperf3, ping, sockperf), in one of the
// run's network namespaces: a separate process, so its CPU is its own (read live from
// /proc/<pid>/stat, and in total from wait4's rusage), and its stdout and stderr go to memfds
// (nothing on disk, and no pipe that can fill and block the tool when nobody reads it).
//
// Lifetime: the child is killed (PR_SET_PDEATHSIG SIGKILL) when the *thread* that spawned it
// exits - Linux tracks the parent thread, not the process - so spawn from a thread that lives
// as long as the tool (the run's own long-lived thread, never a short helper thread). It runs
// in a process group of its own, which `terminate` signals as a whole. It is reaped exactly
// once (by `wait`, or at the latest by deinit, which kills it first), so it never stays a zombie.
import CVWiFiShim
import Measurement
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

public final class ToolProcess: Sendable {
    public let pid: Int32
    public let argv: [String]
    /// The executable that ran (argv[0], looked up in $PATH when it has no slash).
    public let executable: String
    private let pidfd: Int32
    private let stdoutFD: Int32
    private let stderrFD: Int32
    private let outcome = Mutex<ToolExit?>(nil)

    /// Starts `argv` inside `namespace` (nil: the harness's own). Throws a SystemCallError naming
    /// the step that failed - a missing executable (ENOENT, before forking), or the child's
    /// setns / exec failure reported back through a close-on-exec pipe - never a silent exit 127.
    public static func spawn(_ argv: [String], in namespace: NetworkNamespace? = nil) throws -> ToolProcess {
        guard let name = argv.first, !name.isEmpty else { throw PipelineError.setup("tool command line is empty") }
        // A name with a slash is run as given (execve's own ENOENT / EACCES come back through the
        // pipe); a bare name is looked up in $PATH first, so "not installed" needs no fork.
        let executable: String
        if name.contains("/") {
            executable = name
        } else if let found = ExecutableSearch.locate(name) {
            executable = found
        } else {
            throw SystemCall.failure("find executable \(name) in $PATH", errno: ENOENT, hint: "is the tool installed?")
        }
        var fds: [Int32] = []
        var done = false
        defer { if !done { for fd in fds { _ = vw_close(fd) } } }
        let out = try SystemCall.check("memfd_create (stdout of \(name))", vw_memfd("vwb-stdout"))
        fds.append(out)
        let err = try SystemCall.check("memfd_create (stderr of \(name))", vw_memfd("vwb-stderr"))
        fds.append(err)
        var netnsFD: Int32 = -1
        if let namespace {
            netnsFD = try SystemCall.check("open \(namespace.path)", vw_netns_open(namespace.path))
            fds.append(netnsFD)
        }
        // The child may only make async-signal-safe calls, so every C string exists before fork.
        let cStrings = argv.map { strdup($0) }
        defer { for s in cStrings { free(s) } }
        var info = vw_spawn_info()
        let rc = (cStrings + [nil]).withUnsafeBufferPointer { args in
            // SAFETY: `args` is a NULL-terminated array of strdup'd strings alive until the defer
            // above; vw_spawn reads it (and the child's copy of it) before returning.
            vw_spawn(executable, args.baseAddress, netnsFD, out, err, &info)
        }
        if netnsFD >= 0 { _ = vw_close(netnsFD); fds.removeLast() }
        try SystemCall.check("\(stageName(info.stage)) for \(executable)", rc, hint: execHint(stage: info.stage, rc: rc))
        done = true
        return ToolProcess(pid: info.pid, pidfd: info.pidfd, argv: argv, executable: executable, stdout: out, stderr: err)
    }

    private init(pid: Int32, pidfd: Int32, argv: [String], executable: String, stdout: Int32, stderr: Int32) {
        self.pid = pid
        self.pidfd = pidfd
        self.argv = argv
        self.executable = executable
        self.stdoutFD = stdout
        self.stderrFD = stderr
    }

    static func execHint(stage: Int32, rc: Int32) -> String {
        guard stage == Int32(VW_SPAWN_STAGE_EXEC) else { return "" }
        switch SystemCall.errno(of: rc) {
        case .noSuchFileOrDirectory?: return "is the tool installed there?"
        case .permissionDenied?: return "is it executable?"
        case .execFormatError?: return "is it a program for this machine?"
        default: return ""
        }
    }

    static func stageName(_ stage: Int32) -> String {
        switch stage {
        case Int32(VW_SPAWN_STAGE_PDEATHSIG): "prctl(PR_SET_PDEATHSIG) in the child"
        case Int32(VW_SPAWN_STAGE_SETNS): "setns into the tool's namespace"
        case Int32(VW_SPAWN_STAGE_SETPGID): "setpgid in the child"
        case Int32(VW_SPAWN_STAGE_STDIO): "stdin/stdout/stderr redirection in the child"
        case Int32(VW_SPAWN_STAGE_EXEC): "execve"
        case Int32(VW_SPAWN_STAGE_PIDFD): "pidfd_open"
        default: "fork"
        }
    }

    /// True until the process has exited (a zombie not yet reaped counts as exited).
    public var isRunning: Bool {
        if outcome.withLock({ $0 != nil }) { return false }
        return vw_pidfd_wait(pidfd, 0) == 0
    }

    /// CPU time so far, user + system of every thread, from /proc/<pid>/stat (clock ticks, so
    /// 10 ms resolution); nil once the process has exited (then `wait`'s rusage has the total).
    public func cpuSeconds() -> Double? {
        guard isRunning, let stat = ProcTaskStat.fields(process: pid), stat.count > 14,
              let user = Double(stat[13]), let system = Double(stat[14]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// SIGTERM to the tool's process group; if it has not exited after `graceNs`, SIGKILL to the
    /// group. The group is signalled once more with SIGKILL after the leader exits, for any
    /// child it left (its pgid cannot be reused before the leader is reaped).
    /// Holds the lock throughout, so `wait` cannot reap (and free the pgid) in between.
    public func terminate(graceNs: Int64 = 1_000_000_000) {
        outcome.withLock { current in
            guard current == nil else { return }
            _ = vw_kill_group(pid, SIGTERM)
            if vw_pidfd_wait(pidfd, max(0, graceNs)) != 1 { _ = vw_kill_group(pid, SIGKILL) }
            _ = vw_pidfd_wait(pidfd, -1)
            _ = vw_kill_group(pid, SIGKILL)
        }
    }

    /// Waits up to `timeoutNs` (nil: until it exits) and reaps it: its exit, rusage CPU and
    /// captured output. Nil on timeout (it still runs). Later calls return the same outcome.
    public func wait(timeoutNs: Int64? = nil) throws -> ToolExit? {
        if let done = outcome.withLock({ $0 }) { return done }
        let ready = try SystemCall.check("poll pidfd of \(pid)", vw_pidfd_wait(pidfd, timeoutNs ?? -1))
        guard ready == 1 else { return nil }
        return try outcome.withLock { (current: inout ToolExit?) throws -> ToolExit? in
            if let current { return current }
            var status = vw_exit_status()
            let reaped = try SystemCall.check("wait4 \(pid)", vw_reap(pid, &status))
            guard reaped == 1 else { return nil }
            let exit = ToolExit(termination: status.exited == 1 ? .exited(status.code) : .signaled(status.signal),
                                userSeconds: Double(status.user_us) / 1e6, systemSeconds: Double(status.system_us) / 1e6,
                                stdout: Self.captured(stdoutFD), stderr: Self.captured(stderrFD))
            current = exit
            return exit
        }
    }

    /// What it has printed so far (e.g. a server's "listening" line), while it runs too.
    public func outputSoFar() -> (stdout: String, stderr: String) {
        (Self.captured(stdoutFD), Self.captured(stderrFD))
    }

    /// Everything written to a capture memfd (read from offset 0: the tool's writes moved the
    /// shared offset, not ours).
    static func captured(_ fd: Int32) -> String {
        let size = max(0, vw_fd_size(fd))
        var bytes = [UInt8](repeating: 0, count: size)
        var got = 0
        while got < size {
            let n = bytes.withUnsafeMutableBytes { raw in
                // SAFETY: reads at most size - got bytes into the array's storage from offset got.
                vw_pread(fd, raw.baseAddress! + got, size - got, Int64(got))
            }
            if n <= 0 { break }
            got += n
        }
        return String(decoding: bytes[0..<got], as: UTF8.self)
    }

    deinit {
        if outcome.withLock({ $0 == nil }) {
            _ = vw_kill_group(pid, SIGKILL)
            _ = vw_pidfd_wait(pidfd, -1)
            var status = vw_exit_status()
            _ = vw_reap(pid, &status)
        }
        _ = vw_close(pidfd)
        _ = vw_close(stdoutFD)
        _ = vw_close(stderrFD)
    }
}

/// How a tool ended, what it cost and what it printed.
public struct ToolExit: Sendable, Equatable {
    public enum Termination: Sendable, Equatable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)
        public var description: String {
            switch self {
            case .exited(let code): "exit \(code)"
            case .signaled(let signal): "signal \(signal)"
            }
        }
    }
    public let termination: Termination
    /// wait4's rusage of the process (its reaped children too), in seconds.
    public let userSeconds: Double
    public let systemSeconds: Double
    public let stdout: String
    public let stderr: String
    public var cpuSeconds: Double { userSeconds + systemSeconds }
}
