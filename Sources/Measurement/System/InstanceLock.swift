// One lock file per running harness instance in a per-machine directory, each held LOCK_EX by
// its owner for the instance's lifetime. Any number can run; each sees the others: a file whose
// lock cannot be taken belongs to a live instance (its sidecar names pid and command), a file
// whose lock can be taken is left by a dead one and is removed.
import CVWiFiShim
import Glibc

public final class InstanceLock: Sendable {
    /// Another live instance: its pid and command line as its sidecar recorded them.
    public struct Holder: Sendable, Equatable {
        public let pid: Int32
        public let command: String
    }

    public let directory: String
    public let path: String
    private let fd: Int32

    /// /run/vwifi-bench when it can be created and written, else /tmp/vwifi-bench.lock.
    public static func defaultDirectory() -> String {
        for candidate in ["/run/vwifi-bench", "/tmp/vwifi-bench.lock"] {
            _ = mkdir(candidate, 0o1777)
            if access(candidate, W_OK) == 0 { return candidate }
        }
        return "/tmp"
    }

    /// Takes this instance's lock as `name` (the pid by default; tests pass two names to be two
    /// holders in one process, since flock conflicts between open file descriptions).
    public init(directory: String = InstanceLock.defaultDirectory(), name: String? = nil,
                command: String) throws(SystemCallError) {
        _ = mkdir(directory, 0o1777)
        let base = "\(directory)/\(name ?? String(getpid()))"
        self.directory = directory
        self.path = base + ".lock"
        fd = try Int32(SystemCall.check("open \(path)", vw_lock_file_open(path)))
        do {
            try SystemCall.check("flock \(path)", vw_flock_try(fd, 1))
            try AtomicFile.write("\(getpid())\n\(command)\n", to: base + ".cmd")
        } catch {
            close(fd)
            throw error
        }
    }

    deinit {
        let base = String(path.dropLast(".lock".count))
        unlink(base + ".cmd")
        unlink(path)
        close(fd)
    }

    /// The other live instances, oldest file name first; stale files are removed on the way.
    public func others() -> [Holder] {
        var holders: [Holder] = []
        for file in Self.lockFiles(in: directory) where file != path {
            let probe = vw_lock_file_open(file)
            if probe < 0 { continue }
            defer { close(probe) }
            let base = String(file.dropLast(".lock".count))
            if vw_flock_try(probe, 0) == 0 {
                unlink(base + ".cmd")
                unlink(file)
                continue
            }
            let lines = (TextFile.read(base + ".cmd") ?? "").split(separator: "\n", maxSplits: 1)
            let pid = lines.first.flatMap { Int32($0) } ?? 0
            holders.append(Holder(pid: pid, command: lines.count > 1 ? String(lines[1].trimmedWhitespace) : "?"))
        }
        return holders
    }

    static func lockFiles(in directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasSuffix(".lock") { names.append("\(directory)/\(name)") }
        }
        return names.sorted()
    }
}
