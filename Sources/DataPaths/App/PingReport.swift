// What ping (iputils) itself reported: each reply's round trip and its closing statistics.
// Checked against iputils 20221126: replies, no reply at all (100 % loss, no rtt line), and
// "+N errors" / "+N duplicates" in the statistics line.
import Measurement

public struct PingReport: Codable, Sendable, Equatable {
    public struct Reply: Codable, Sendable, Equatable {
        public var icmpSeq: Int
        public var rttMs: Double
        /// ping marked it "(DUP!)": a second reply to one request.
        public var duplicate: Bool
    }

    public struct Summary: Codable, Sendable, Equatable {
        public var minMs: Double
        public var avgMs: Double
        public var maxMs: Double
        public var mdevMs: Double
    }

    /// Every `time=X ms` line, in the order printed.
    public var replies: [Reply] = []
    public var transmitted: Int
    public var received: Int
    public var lossPercent: Double
    /// "+N errors" (e.g. ICMP unreachable replies); 0 when absent.
    public var errors: Int = 0
    public var duplicates: Int = 0
    /// ping's own "time" figure (from first request to last), milliseconds.
    public var timeMs: Double?
    /// The `rtt min/avg/max/mdev` line; nil when no reply came.
    public var summary: Summary?

    /// Round trips of the first reply to each request, milliseconds.
    public var rttMs: [Double] { replies.filter { !$0.duplicate }.map(\.rttMs) }

    public static func parse(_ output: String) throws(ToolOutputError) -> PingReport {
        var replies: [Reply] = []
        var totals: (transmitted: Int, received: Int, loss: Double, errors: Int, duplicates: Int, time: Double?)?
        var summary: Summary?
        for raw in output.split(separator: "\n") {
            let line = Substring(raw.trimmedWhitespace)
            if let seq = value(after: "icmp_seq=", in: line), let time = value(after: "time=", in: line),
               let seqNumber = Int(seq), let ms = Double(time) {
                replies.append(Reply(icmpSeq: seqNumber, rttMs: ms, duplicate: line.contains("(DUP!)")))
            } else if line.contains("packets transmitted") {
                totals = statistics(line)
            } else if line.hasPrefix("rtt ") || line.hasPrefix("round-trip ") {
                summary = rttLine(line)
            }
        }
        guard let totals else {
            let said = output.split(separator: "\n").last { $0.hasPrefix("ping:") }.map(String.init)
            throw ToolOutputError(tool: "ping", missing: "'packets transmitted' statistics line", said: said)
        }
        if totals.received > 0 && summary == nil {
            throw ToolOutputError(tool: "ping", missing: "'rtt min/avg/max/mdev' line although \(totals.received) replies came")
        }
        return PingReport(replies: replies, transmitted: totals.transmitted, received: totals.received,
                          lossPercent: totals.loss, errors: totals.errors, duplicates: totals.duplicates,
                          timeMs: totals.time, summary: summary)
    }

    /// The token after `key` up to the next space ("icmp_seq=3 ttl=64" gives "3").
    private static func value(after key: String, in line: Substring) -> Substring? {
        guard let range = line.range(of: key) else { return nil }
        return line[range.upperBound...].prefix { $0 != " " }
    }

    /// "5 packets transmitted, 4 received, +1 errors, 20% packet loss, time 4005ms".
    private static func statistics(_ line: Substring)
        -> (transmitted: Int, received: Int, loss: Double, errors: Int, duplicates: Int, time: Double?)? {
        var transmitted: Int?, received: Int?, loss: Double?
        var errors = 0, duplicates = 0
        var time: Double?
        for part in line.split(separator: ",") {
            let words = part.split(separator: " ")
            guard let first = words.first else { continue }
            if part.contains("transmitted") { transmitted = Int(first) }
            else if part.contains("received") { received = Int(first) }
            else if part.contains("errors") { errors = Int(first.dropFirst()) ?? 0 }
            else if part.contains("duplicates") { duplicates = Int(first.dropFirst()) ?? 0 }
            else if part.contains("packet loss") { loss = Double(first.dropLast()) }
            else if first == "time", words.count > 1 { time = Double(words[1].prefix { $0.isNumber || $0 == "." }) }
        }
        guard let transmitted, let received, let loss else { return nil }
        return (transmitted, received, loss, errors, duplicates, time)
    }

    /// "rtt min/avg/max/mdev = 0.019/0.100/0.371/0.135 ms".
    private static func rttLine(_ line: Substring) -> Summary? {
        guard let eq = line.firstIndex(of: "=") else { return nil }
        let numbers = line[line.index(after: eq)...].trimmedWhitespace.split(separator: " ").first?
            .split(separator: "/").compactMap { Double($0) } ?? []
        guard numbers.count == 4 else { return nil }
        return Summary(minMs: numbers[0], avgMs: numbers[1], maxMs: numbers[2], mdevMs: numbers[3])
    }
}
