import Foundation

/// A CSV file in memory: header and rows of text. Written atomically (temp file + rename), so a
/// reader or an interrupted run never sees half a file.
public struct CSVTable: Sendable, Equatable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]] = []) { self.header = header; self.rows = rows }

    public mutating func append(_ row: [String]) {
        precondition(row.count == header.count, "CSV row width \(row.count) != header width \(header.count)")
        rows.append(row)
    }

    public var text: String {
        ([header] + rows).map { $0.map(Self.quote).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    public func write(to path: String) throws { try AtomicFile.write(Data(text.utf8), to: path) }

    /// The values of one column (empty strings where a row is short).
    public func column(_ name: String) -> [String] {
        guard let i = header.firstIndex(of: name) else { return [] }
        return rows.map { i < $0.count ? $0[i] : "" }
    }

    /// Rows as dictionaries keyed by header names.
    public var records: [[String: String]] {
        rows.map { r in Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0 < r.count ? r[$0] : "") }) }
    }

    static func quote(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
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

    public static func read(_ path: String) -> CSVTable? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return parse(text)
    }
}

/// Number formatting for result files: NaN and infinities become empty cells.
enum Format {
    static func number(_ x: Double, decimals: Int = 4) -> String {
        guard x.isFinite else { return "" }
        var s = String(format: "%.\(decimals)f", x)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s == "-0" ? "0" : s
    }
    static func optional(_ x: Double?, decimals: Int = 4) -> String { x.map { number($0, decimals: decimals) } ?? "" }
}

enum AtomicFile {
    /// Writes next to the target under a hidden temporary name, then renames over it.
    static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        try data.write(to: tmp)
        guard rename(tmp.path, url.path) == 0 else {
            let e = errno
            try? FileManager.default.removeItem(at: tmp)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSUnderlyingErrorKey: POSIXError(POSIXErrorCode(rawValue: e) ?? .EIO)])
        }
    }

    /// Points `link` at `target` atomically (a temporary symlink renamed over the old one).
    static func symlink(_ target: String, at link: String) throws {
        let tmp = link + ".tmp-\(getpid())"
        unlink(tmp)
        guard Foundation.symlink(target, tmp) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        guard rename(tmp, link) == 0 else {
            let e = errno
            unlink(tmp)
            throw POSIXError(POSIXErrorCode(rawValue: e) ?? .EIO)
        }
    }
}
