// The harness's one way to write a file a reader may be watching: the bytes go to a hidden
// temporary name in the same directory (so the rename cannot cross file systems) and are
// renamed over the target when complete. A reader or an interrupted run never sees half a file.
import Glibc

public enum AtomicFile {
    /// Writes `text` as UTF-8 to `path`, replacing it atomically.
    public static func write(_ text: String, to path: String) throws(SystemCallError) {
        try write(Array(text.utf8), to: path)
    }

    /// Writes `bytes` to `path`, replacing it atomically; the temporary is removed on failure.
    public static func write(_ bytes: some Sequence<UInt8>, to path: String) throws(SystemCallError) {
        let temporary = temporaryPath(for: path)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw SystemCall.failure("open \(temporary)", errno: errno) }
        let written = writeAll(fd, Array(bytes))
        let closed = close(fd) == 0 ? 0 : errno
        if written != 0 || closed != 0 {
            unlink(temporary)
            throw SystemCall.failure("write \(temporary)", errno: written != 0 ? written : closed)
        }
        try rename(temporary, over: path)
    }

    /// Points `link` at `target` atomically (a temporary symlink renamed over the old one).
    public static func symlink(_ target: String, at link: String) throws(SystemCallError) {
        let temporary = temporaryPath(for: link)
        unlink(temporary)
        guard Glibc.symlink(target, temporary) == 0 else {
            throw SystemCall.failure("symlink \(temporary) -> \(target)", errno: errno)
        }
        try rename(temporary, over: link)
    }

    /// `.name.partial-pid` beside `path`: hidden, and unique to this process.
    static func temporaryPath(for path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return directory + ".\(name).partial-\(getpid())"
    }

    private static func rename(_ temporary: String, over path: String) throws(SystemCallError) {
        guard Glibc.rename(temporary, path) == 0 else {
            let e = errno
            unlink(temporary)
            throw SystemCall.failure("rename \(temporary) -> \(path)", errno: e)
        }
    }

    /// 0, or the errno of the write that failed (AppendFile writes through it too).
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32 {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
            }
            return 0
        }
    }
}
