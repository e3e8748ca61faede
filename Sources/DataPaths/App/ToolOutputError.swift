// A traffic program's output that does not say what its parser needs: names the tool and the
// missing piece, with the program's own last words when it printed some.
public struct ToolOutputError: Error, Sendable, Equatable, CustomStringConvertible {
    public var tool: String
    /// What the output lacks, e.g. "end.sum_received" or "the statistics line".
    public var missing: String
    /// The program's own message, when one explains the gap (e.g. "No messages were received").
    public var said: String?

    public init(tool: String, missing: String, said: String? = nil) {
        self.tool = tool
        self.missing = missing
        self.said = said
    }

    public var description: String {
        let base = "\(tool) output has no \(missing)"
        guard let said, !said.isEmpty else { return base }
        return base + " (it said: \(said))"
    }
}
