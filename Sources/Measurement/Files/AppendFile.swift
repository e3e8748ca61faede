// The harness's one way to grow a file a crash must not lose: each call appends one whole record
// and flushes it to the disk before returning, so a run killed (or a machine that loses power)
// afterwards keeps every record written so far. A record cut short by a crash mid-write can only
// be the file's last, and has no final newline: readers drop such a tail.
import Glibc

public enum AppendFile {
    /// Appends `text` as UTF-8 to `path` (created when missing) and flushes it with fdatasync.
    public static func append(_ text: String, to path: String) throws(SystemCallError) {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw SystemCall.failure("open \(path)", errno: errno) }
        // O_APPEND: the kernel places each write at the end, so the record is never interleaved
        // with a reader's view of an earlier state; one write call carries all of it when it fits.
        let written = AtomicFile.writeAll(fd, Array(text.utf8))
        let synced = written == 0 && fdatasync(fd) != 0 ? errno : 0
        let closed = close(fd) == 0 ? 0 : errno
        if written != 0 { throw SystemCall.failure("write \(path)", errno: written) }
        if synced != 0 { throw SystemCall.failure("fdatasync \(path)", errno: synced) }
        if closed != 0 { throw SystemCall.failure("close \(path)", errno: closed) }
    }
}
