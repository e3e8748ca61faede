// Which trap backends the VM runs of each figure used. A figure compares paths, so its VM runs
// must share one backend: a KVM vCPU and the thread trap are different machines.
import Measurement

enum FigureBackends {
    /// Backends per figure, from (figure, trap_backend) pairs; native runs (`none`) take no part.
    static func byFigure(_ pairs: [(figure: String, backend: String)]) -> [(figure: String, backends: [String])] {
        var order: [String] = []
        var sets: [String: Set<String>] = [:]
        for (figure, backend) in pairs where backend != "none" && !backend.isEmpty {
            if sets[figure] == nil { order.append(figure) }
            sets[figure, default: []].insert(backend)
        }
        return order.map { ($0, sets[$0]!.sorted()) }
    }

    static func byFigure(_ records: [PointRecords]) -> [(figure: String, backends: [String])] {
        byFigure(records.flatMap { p in p.runs.map { (p.point.figure.rawValue, $0.result.summary.trapBackend) } })
    }

    static func byFigure(_ dir: ResultsDirectory) -> [(figure: String, backends: [String])] {
        byFigure(dir.records(ResultLayout.rawSamples).map { ($0["figure"] ?? "", $0["trap_backend"] ?? "") })
    }

    /// One warning per figure whose VM runs mixed backends.
    static func warnings(_ records: [PointRecords]) -> [String] {
        byFigure(records).filter { $0.backends.count > 1 }.map {
            "\($0.figure): its VM runs used different trap backends (\($0.backends.joined(separator: ", "))): the figure "
                + "compares different machines; rerun with --trap kvm (or --trap thread) so every VM run uses one"
        }
    }

    /// SUMMARY's line: which backend each figure's VM runs used.
    static func summaryLine(_ dir: ResultsDirectory) -> String? {
        let figures = byFigure(dir)
        guard !figures.isEmpty else { return nil }
        let parts = figures.map { "\($0.figure) \($0.backends.joined(separator: " + "))\($0.backends.count > 1 ? " (**mixed**)" : "")" }
        return "Trap backend of the VM runs, per figure: " + parts.joined(separator: ", ") + ".\n\n"
    }
}
