// What sockperf ping-pong itself reported (3.7): its average, spread and percentile lines, in
// microseconds. sockperf halves each round trip and calls it latency unless run with
// --full-rtt (the harness passes it); `measure` records which one this report holds.
import Measurement

public struct SockperfReport: Codable, Sendable, Equatable {
    public enum Measure: String, Codable, Sendable {
        /// --full-rtt: whole round trips ("avg-rtt", "Round trip is").
        case roundTrip = "round-trip"
        /// sockperf's default: half a round trip ("avg-latency", "Latency is").
        case oneWay = "one-way (rtt/2)"
    }

    public struct Percentile: Codable, Sendable, Equatable {
        /// e.g. 99.9
        public var percentile: Double
        public var us: Double
    }

    public var measure: Measure
    public var avgUs: Double
    public var stdDevUs: Double?
    public var observations: Int?
    /// Every "percentile P = X" line, as printed (99.999 down to 25).
    public var percentiles: [Percentile] = []
    public var maxUs: Double?
    public var minUs: Double?
    /// The measured window ("[Valid Duration]"): seconds and messages.
    public var validSeconds: Double?
    public var sentMessages: Int?
    public var receivedMessages: Int?
    public var droppedMessages: Int?
    public var duplicatedMessages: Int?
    public var outOfOrderMessages: Int?

    /// The average as a round trip, microseconds, whichever `measure` sockperf printed.
    public var avgRoundTripUs: Double { measure == .roundTrip ? avgUs : avgUs * 2 }

    public func percentile(_ p: Double) -> Double? {
        percentiles.first { abs($0.percentile - p) < 1e-9 }?.us
    }

    public static func parse(_ output: String) throws(ToolOutputError) -> SockperfReport {
        var report: SockperfReport?
        var lines: [Substring] = []
        for raw in output.split(separator: "\n") { lines.append(Substring(stripEscapes(raw))) }
        for line in lines {
            for (marker, measure) in [("avg-rtt=", Measure.roundTrip), ("avg-latency=", .oneWay)] {
                guard let avg = number(after: marker, in: line) else { continue }
                report = SockperfReport(measure: measure, avgUs: avg, stdDevUs: number(after: "std-dev=", in: line))
            }
        }
        guard var report else {
            let said = lines.last { $0.hasPrefix("sockperf: ") }.map { String($0.dropFirst("sockperf: ".count)) }
            throw ToolOutputError(tool: "sockperf", missing: "'avg-rtt' or 'avg-latency' summary line", said: said)
        }
        for line in lines {
            if line.contains("[Valid Duration]") {
                report.validSeconds = number(after: "RunTime=", in: line)
                report.sentMessages = number(after: "SentMessages=", in: line).map { Int($0) }
                report.receivedMessages = number(after: "ReceivedMessages=", in: line).map { Int($0) }
            } else if line.contains("# dropped messages") {
                report.droppedMessages = number(after: "dropped messages = ", in: line).map { Int($0) }
                report.duplicatedMessages = number(after: "duplicated messages = ", in: line).map { Int($0) }
                report.outOfOrderMessages = number(after: "out-of-order messages = ", in: line).map { Int($0) }
            } else if line.contains(" observations;") || line.hasSuffix(" observations") {
                report.observations = number(after: "Total ", in: line).map { Int($0) }
            } else if line.contains("<MAX> observation") {
                report.maxUs = number(after: "= ", in: line)
            } else if line.contains("<MIN> observation") {
                report.minUs = number(after: "= ", in: line)
            } else if let p = number(after: "percentile ", in: line), let us = number(after: "= ", in: line) {
                report.percentiles.append(Percentile(percentile: p, us: us))
            }
        }
        if report.percentiles.isEmpty {
            throw ToolOutputError(tool: "sockperf", missing: "percentile lines (\"---> percentile 50.000 = ...\")")
        }
        return report
    }

    /// The number right after `key`, spaces before it skipped ("percentile 99.900 =   67.750").
    private static func number(after key: String, in line: Substring) -> Double? {
        guard let range = line.range(of: key) else { return nil }
        let text = line[range.upperBound...].drop { $0 == " " }.prefix { $0.isNumber || $0 == "." || $0 == "-" }
        return Double(text)
    }

    /// The line without its ANSI colour sequences (ESC [ ... m), which sockperf prints even to a pipe.
    private static func stripEscapes(_ line: Substring) -> String {
        var out = ""
        var inEscape = false
        for c in line {
            if inEscape {
                if c.isLetter { inEscape = false }
            } else if c == "\u{1B}" {
                inEscape = true
            } else {
                out.append(c)
            }
        }
        return out
    }
}
