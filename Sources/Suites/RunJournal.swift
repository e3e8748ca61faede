// runs.jsonl: the run's lossless record. One JSON line per finished repetition (its whole
// PathResult) or failed point, appended and flushed as each ends, after the raw CSV rows of that
// run. Every table, chart and SUMMARY is rebuilt from it (`report`, `run --resume`, `merge`), so
// a run killed at any moment loses only the repetition in progress.
import DataPaths
import Foundation
import Measurement

public struct JournalEntry: Sendable, Codable {
    /// The experiment and point label (`default` or the swept values), as in the raw CSVs.
    public var experiment: String
    public var point: String
    /// A finished repetition; nil for a failure.
    public var run: RunRecord?
    /// Why the point failed (its remaining repetitions are skipped); nil for a run.
    public var failure: String?
    /// The machine a merged shard ran on, when `merge` was told to combine different machines.
    public var machine: String?

    public static func run(_ r: RunRecord, of p: ExperimentPoint) -> JournalEntry {
        JournalEntry(experiment: p.experiment, point: p.label, run: r, failure: nil, machine: nil)
    }
    public static func failure(_ why: String, of p: ExperimentPoint) -> JournalEntry {
        JournalEntry(experiment: p.experiment, point: p.label, run: nil, failure: why, machine: nil)
    }
}

public enum RunJournal {
    /// The entries in file order. A last line without its newline (a write cut short by a
    /// crash) or one that does not decode is dropped and counted in `dropped`.
    public static func read(directory: String) -> (entries: [JournalEntry], dropped: Int)? {
        guard let text = TextFile.read(path(directory)) else { return nil }
        var entries: [JournalEntry] = []
        var dropped = 0
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let decoder = makeDecoder()
        for (i, line) in lines.enumerated() where !line.isEmpty {
            // Only the last piece can lack its newline; it was cut short.
            if i == lines.count - 1 { dropped += 1; continue }
            if let e = try? decoder.decode(JournalEntry.self, from: Data(line.utf8)) { entries.append(e) } else { dropped += 1 }
        }
        return (entries, dropped)
    }

    public static func append(_ entry: JournalEntry, directory: String) throws {
        try AppendFile.append(try line(entry), to: path(directory))
    }

    /// Replaces the journal with `entries` (atomically): resume drops a torn tail this way.
    public static func rewrite(_ entries: [JournalEntry], directory: String) throws {
        var text = ""
        for e in entries { text += try line(e) }
        try AtomicFile.write(text, to: path(directory))
    }

    static func line(_ entry: JournalEntry) throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try enc.encode(entry), as: UTF8.self) + "\n"
    }

    static func makeDecoder() -> JSONDecoder {
        let dec = JSONDecoder()
        dec.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return dec
    }

    static func path(_ directory: String) -> String { (directory as NSString).appendingPathComponent(ResultLayout.journal) }
}
