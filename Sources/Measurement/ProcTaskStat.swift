// /proc/self/task/<tid>/stat split into fields. The second field (comm) is in parentheses and
// may contain spaces, so fields are split after its closing parenthesis.
enum ProcTaskStat {
    /// All fields, 0-based as in proc(5) minus one: [0] = pid, [1] = comm, [2] = state, ...
    static func fields(tid: Int32) -> [Substring]? {
        guard let text = TextFile.read("/proc/self/task/\(tid)/stat"),
              let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")") else { return nil }
        let pid = text[..<open].trimmedWhitespace
        let comm = text[text.index(after: open)..<close]
        let rest = text[text.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        return [Substring(pid), comm] + rest.map { $0.hasSuffix("\n") ? $0.dropLast() : $0 }
    }
}
