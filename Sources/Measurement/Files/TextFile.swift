// Reads small text files such as those under /proc and /sys. Those report a size of 0, so
// this reads until end of file instead of trusting stat.
import CVWiFiShim
import Glibc

public enum TextFile {
    /// The whole file as UTF-8 text, or nil if it cannot be opened or read.
    public static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The first line without surrounding white space, or nil.
    public static func firstLine(_ path: String) -> String? {
        guard let text = read(path) else { return nil }
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).first ?? ""
        return line.trimmedWhitespace
    }

    /// The size in bytes of the file at `path`, or nil when it cannot be stat'ed.
    public static func size(_ path: String) -> Int? {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : nil
    }

    /// `true` if something exists at `path`.
    public static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// The names in a directory such as /proc or /run/netns, without "." and "..", unsorted;
    /// nil if it cannot be opened.
    public static func entries(of path: String) -> [String]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            // SAFETY: readdir returned a valid entry; d_name is a NUL-terminated array inside it.
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line ends (no Foundation needed).
    public var trimmedWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }),
              let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
