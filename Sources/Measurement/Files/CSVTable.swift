// The harness's one CSV type: every result file (per-run CSVs, figure tables, bench.csv) is
// rendered, and every table the suites read back is parsed, here.

/// A CSV file in memory: header and rows of text, RFC 4180 quoting. Written atomically (see
/// AtomicFile), so a reader or an interrupted run never sees half a file.
public struct CSVTable: Sendable, Equatable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]] = []) { self.header = header; self.rows = rows }

    public mutating func append(_ row: [String]) {
        precondition(row.count == header.count, "CSV row width \(row.count) != header width \(header.count)")
        rows.append(row)
    }

    /// The header line, then each row, each line ending in "\n".
    public var text: String { Self.render(header: header, rows: rows) }

    /// The text of a table without building one.
    public static func render(header: [String], rows: [[String]]) -> String {
        var out = line(header)
        for r in rows { out += line(r) }
        return out
    }

    private static func line(_ fields: [String]) -> String { fields.map(quote).joined(separator: ",") + "\n" }

    public func write(to path: String) throws(SystemCallError) { try AtomicFile.write(text, to: path) }

    /// Appends the rows to the CSV file at `path` and flushes them (AppendFile); a missing or
    /// empty file gets the header first. The file's header must be this table's.
    public func append(to path: String) throws(SystemCallError) {
        var out = TextFile.size(path) ?? 0 == 0 ? Self.line(header) : ""
        for r in rows { out += Self.line(r) }
        guard !out.isEmpty else { return }
        try AppendFile.append(out, to: path)
    }

    /// The values of one column (empty strings where a row is short).
    public func column(_ name: String) -> [String] {
        guard let i = header.firstIndex(of: name) else { return [] }
        return rows.map { i < $0.count ? $0[i] : "" }
    }

    /// Rows as dictionaries keyed by header names.
    public var records: [[String: String]] {
        rows.map { r in Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0 < r.count ? r[$0] : "") }) }
    }

    /// A field as written: quoted only when it holds a comma, a quote or a newline.
    public static func quote(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return s }
        var out = "\""
        for c in s { if c == "\"" { out += "\"\"" } else { out.append(c) } }
        return out + "\""
    }

    /// Parses RFC 4180 text (quoted fields may hold commas, quotes and newlines).
    public static func parse(_ text: String) -> CSVTable {
        var records: [[String]] = []
        var field = ""
        var record: [String] = []
        var inQuotes = false
        var chars = Array(text).makeIterator()
        var pending: Character? = nil
        while let c = pending ?? chars.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    if let n = chars.next() {
                        if n == "\"" { field.append("\"") } else { inQuotes = false; pending = n }
                    } else { inQuotes = false }
                } else { field.append(c) }
            } else if c == "\"" {
                inQuotes = true
            } else if c == "," {
                record.append(field); field = ""
            } else if c == "\n" || c == "\r\n" {
                record.append(field); field = ""
                records.append(record); record = []
            } else if c != "\r" {
                field.append(c)
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        guard let header = records.first else { return CSVTable(header: []) }
        return CSVTable(header: header, rows: Array(records.dropFirst()))
    }

    /// The table in `path`, or nil when it cannot be read.
    public static func read(_ path: String) -> CSVTable? { TextFile.read(path).map(parse) }
}
