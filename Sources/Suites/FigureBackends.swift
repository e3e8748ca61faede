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

    /// One warning per figure whose VM runs mixed backends, and one when the headroom runs used
    /// another backend than the fig5 throughput runs they are set against.
    static func warnings(_ records: [PointRecords]) -> [String] {
        let figures = byFigure(records)
        var out = figures.filter { $0.backends.count > 1 }.map {
            "\($0.figure): its VM runs used different trap backends (\($0.backends.joined(separator: ", "))): the figure "
                + "compares different machines; rerun with --trap kvm (or --trap thread) so every VM run uses one"
        }
        let of = { (f: Figure) in figures.first { $0.figure == f.rawValue }?.backends }
        if let h = of(.headroom), let t = of(.fig5Throughput), h != t {
            out.append("headroom: its VM runs used \(h.joined(separator: " + ")) but fig5_throughput's used \(t.joined(separator: " + ")): "
                       + "the headroom is another machine's; rerun with --trap kvm (or --trap thread) so both use one")
        }
        return out
    }

    /// SUMMARY's line: which backend each figure's VM runs used.
    static func summaryLine(_ dir: ResultsDirectory) -> String? {
        let figures = byFigure(dir)
        guard !figures.isEmpty else { return nil }
        let parts = figures.map { "\($0.figure) \($0.backends.joined(separator: " + "))\($0.backends.count > 1 ? " (**mixed**)" : "")" }
        return "Trap backend of the VM runs, per figure: " + parts.joined(separator: ", ") + ".\n\n"
    }
}
