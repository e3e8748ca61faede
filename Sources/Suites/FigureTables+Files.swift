// Where the tables go: written whole at the end of a run, appended per finished repetition
// (the raw files), and, for a merge of several machines, marked with where each row was measured.
import Foundation
import Measurement

extension FigureTables {
    /// Writes each table to its file in `dir`, replacing it atomically.
    static func writeAll(_ tables: [(String, CSVTable)], to dir: String) throws {
        for (name, table) in tables { try table.write(to: (dir as NSString).appendingPathComponent(name)) }
    }

    /// Appends each table's rows to its file in `dir` and flushes them.
    static func appendAll(_ tables: [(String, CSVTable)], to dir: String) throws {
        for (name, table) in tables { try table.append(to: (dir as NSString).appendingPathComponent(name)) }
    }
}

extension FigureTables {
    /// With records from more than one machine (a merge told to accept that), every table whose
    /// rows name their experiment and point gains a last column, `machine`, saying where each
    /// row was measured. Otherwise the tables are unchanged.
    static func withMachineColumn(_ tables: [(String, CSVTable)], _ records: [PointRecords]) -> [(String, CSVTable)] {
        var machineOf: [String: String] = [:]
        for p in records { if let m = p.machine { machineOf[p.point.key] = m } }
        guard Set(machineOf.values).count > 1 else { return tables }
        return tables.map { name, table in
            guard let e = table.header.firstIndex(of: "experiment"), let l = table.header.firstIndex(of: "point") else {
                return (name, table)
            }
            var t = CSVTable(header: table.header + ["machine"])
            for r in table.rows { t.append(r + [machineOf[ExperimentPoint.key(experiment: r[e], label: r[l])] ?? ""]) }
            return (name, t)
        }
    }
}
