// /proc/self/task/<tid>/stat (one thread) or /proc/<pid>/stat (a whole process, such as a
// traffic tool the harness spawned) split into fields. The second field (comm) is in
// parentheses and may contain spaces, so fields are split after its closing parenthesis.
public enum ProcTaskStat {
    /// All fields, 0-based as in proc(5) minus one: [0] = pid, [1] = comm, [2] = state, ...
    static func fields(tid: Int32) -> [Substring]? { fields(path: "/proc/self/task/\(tid)/stat") }

    /// The same for a whole process (every thread's time summed by the kernel).
    public static func fields(process pid: Int32) -> [Substring]? { fields(path: "/proc/\(pid)/stat") }

    private static func fields(path: String) -> [Substring]? {
        TextFile.read(path).flatMap { fields(text: $0) }
    }

    /// The fields of one stat line already read (a /proc scan reads many).
    public static func fields(text: String) -> [Substring]? {
        guard let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")") else { return nil }
        let pid = text[..<open].trimmedWhitespace
        let comm = text[text.index(after: open)..<close]
        let rest = text[text.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        return [Substring(pid), comm] + rest.map { $0.hasSuffix("\n") ? $0.dropLast() : $0 }
    }
}
