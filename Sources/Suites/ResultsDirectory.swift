import Foundation
import Measurement

/// A results directory on disk, read back through its CSV files (what SUMMARY.md, the charts and
/// `compare` use, so they work on any run directory, old or new).
public struct ResultsDirectory: Sendable {
    public var path: String
    public init(path: String) { self.path = path }

    public func table(_ name: String) -> CSVTable? { CSVTable.read((path as NSString).appendingPathComponent(name)) }
    public func records(_ name: String) -> [[String: String]] { table(name)?.records ?? [] }

    public var exists: Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }

    /// True when the directory holds at least one figure table.
    public var looksLikeResults: Bool {
        [ResultLayout.fig5Throughput, ResultLayout.fig5Latency, ResultLayout.fig6, ResultLayout.fig7, ResultLayout.fig8,
         ResultLayout.table1].contains { FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent($0)) }
    }
}

extension Dictionary where Key == String, Value == String {
    func double(_ k: String) -> Double? { self[k].flatMap { Double($0) } }
}
