import Foundation
import Measurement

/// Where the runner reports progress: a redrawn bar with ETA on a terminal, plain lines otherwise.
public protocol ProgressReporter: Sendable {
    func begin(runs: Int, estimatedSeconds: Double)
    /// A run is starting; `done` runs finished so far.
    func step(done: Int, of total: Int, label: String, elapsed: Double, remainingEstimate: Double)
    func note(_ line: String)
    func end()
}

extension ProgressReporter {
    /// The opening line both stderr reporters print; SilentProgress overrides it.
    public func begin(runs: Int, estimatedSeconds: Double) {
        StandardError.write("\(runs) runs, estimated \(DurationText.format(estimatedSeconds))\n")
    }
}

/// Prints nothing (tests).
public struct SilentProgress: ProgressReporter {
    public init() {}
    public func begin(runs: Int, estimatedSeconds: Double) {}
    public func step(done: Int, of total: Int, label: String, elapsed: Double, remainingEstimate: Double) {}
    public func note(_ line: String) {}
    public func end() {}
}

/// Plain progress lines on stderr, for logs and pipes.
public struct LineProgress: ProgressReporter {
    public init() {}
    public func step(done: Int, of total: Int, label: String, elapsed: Double, remainingEstimate: Double) {
        StandardError.write("[\(done + 1)/\(total)] \(label)  elapsed \(DurationText.format(elapsed)), ETA \(DurationText.format(remainingEstimate))\n")
    }
    public func note(_ line: String) { StandardError.write(line + "\n") }
    public func end() {}
}

/// A one-line bar redrawn in place on a terminal.
public struct TerminalProgress: ProgressReporter {
    public init() {}
    public func step(done: Int, of total: Int, label: String, elapsed: Double, remainingEstimate: Double) {
        let width = 30
        let filled = total > 0 ? width * done / total : 0
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        var name = label
        if name.count > 38 { name = String(name.prefix(37)) + "…" }
        StandardError.write("\r\u{1B}[K[\(bar)] \(done)/\(total) ETA \(DurationText.format(remainingEstimate))  \(name)")
    }
    public func note(_ line: String) { StandardError.write("\r\u{1B}[K" + line + "\n") }
    public func end() { StandardError.write("\r\u{1B}[K") }
}

/// The right reporter for stderr: a bar on a terminal, lines otherwise.
public func defaultProgressReporter() -> any ProgressReporter {
    isatty(2) != 0 ? TerminalProgress() : LineProgress()
}

enum StandardError {
    static func write(_ s: String) {
        let bytes = Array(s.utf8)
        bytes.withUnsafeBufferPointer { b in
            var off = 0
            while off < b.count {
                let w = Glibc.write(2, b.baseAddress! + off, b.count - off)
                if w <= 0 { break }
                off += w
            }
        }
    }
}

enum DurationText {
    static func format(_ s: Double) -> String {
        guard s.isFinite, s >= 0 else { return "?" }
        let t = Int(s.rounded())
        return t >= 60 ? "\(t / 60)m\(NumberFormat.padded(t % 60, width: 2))s" : "\(t)s"
    }
}
