// Reads a suite file (YAML) into a `Suite`. Every problem becomes one `SuiteError` naming the
// file, the field path and what is allowed. Options go through `PathConfig.set(_:to:)`, so a
// suite field and the `vwifi-bench path` flag of the same name fail with the same words.
import DataPaths
import Foundation
import Yams

public enum SuiteParser {
    static let suiteKeys = ["name", "description", "repetitions", "quick_repetitions", "seed",
                            "defaults", "quick_defaults", "experiments"]
    /// Sweep points one experiment may ask for (the paper's whole suite has 26).
    public static let maxPointsPerExperiment = 10_000
    static let experimentKeys = ["name", "description", "figure", "scenario", "configuration", "path",
                                 "options", "sweep", "quick"]

    /// Loads and checks a suite file.
    public static func load(path: String) throws(SuiteError) -> Suite {
        let data: Data
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SuiteError(file: path, field: "", problem: "does not exist",
                             fix: "give the path of a suite file, e.g. Workloads/paper.yaml")
        }
        guard !isDirectory.boolValue else {
            throw SuiteError(file: path, field: "", problem: "is a directory",
                             fix: "give the path of a suite file, e.g. Workloads/paper.yaml")
        }
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw SuiteError(file: path, field: "", problem: "cannot be read (\(error.localizedDescription))",
                             fix: "give the path of a readable suite file, e.g. Workloads/paper.yaml")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SuiteError(file: path, field: "", problem: "is not UTF-8 text", fix: "save the suite as UTF-8 YAML")
        }
        var suite = try parse(text, file: path)
        suite.fileHash = SHA256.hex(data)
        return suite
    }

    /// Parses suite text; `file` is only used in messages.
    public static func parse(_ text: String, file: String) throws(SuiteError) -> Suite {
        let fail = { (field: String, problem: String, fix: String) in
            SuiteError(file: file, field: field, problem: problem, fix: fix)
        }
        let root: Node
        do {
            guard let r = try Yams.compose(yaml: text) else {
                throw fail("", "is empty", "write a mapping with at least `experiments:`; see Workloads/README.md")
            }
            root = r
        } catch let e as SuiteError {
            throw e
        } catch {
            throw fail("", "is not valid YAML (\(oneLine(error)))", "fix the YAML syntax at the position shown")
        }
        let top = try mapping(root, "", fail)
        try checkKeys(top, allowed: suiteKeys, path: "", fail)

        let name = try optional(top["name"]) { (n: Node) throws(SuiteError) in try scalar(n, "name", fail) } ?? URL(fileURLWithPath: file)
            .deletingPathExtension().lastPathComponent
        let description = try optional(top["description"]) { (n: Node) throws(SuiteError) in try scalar(n, "description", fail) } ?? ""
        let repetitions = try optional(top["repetitions"]) { (n: Node) throws(SuiteError) in try integer(n, "repetitions", 1...1000, fail) }
            ?? Suite.defaultRepetitions
        let quickRepetitions = try optional(top["quick_repetitions"]) { (n: Node) throws(SuiteError) in try integer(n, "quick_repetitions", 1...1000, fail) }
            ?? Suite.defaultQuickRepetitions
        var seed: UInt64 = 1
        if let s = top["seed"] {
            guard let v = UInt64(try scalar(s, "seed", fail)) else {
                throw fail("seed", "'\(s.string ?? "")' is not a non-negative integer", "give a seed such as 1")
            }
            seed = v
        }
        let defaults = try optional(top["defaults"]) { (n: Node) throws(SuiteError) in try optionPairs(n, "defaults", fail) } ?? []
        let quickDefaults = try optional(top["quick_defaults"]) { (n: Node) throws(SuiteError) in try optionPairs(n, "quick_defaults", fail) } ?? []

        // Check the option values now, so a bad default is reported at its own field.
        var probe = PathConfig(path: .vwifi)
        try apply(defaults, to: &probe, prefix: "defaults", fail)
        try apply(quickDefaults, to: &probe, prefix: "quick_defaults", fail)

        guard let expNode = top["experiments"] else {
            throw fail("experiments", "is missing", "list at least one experiment; see Workloads/README.md")
        }
        guard case .sequence(let seq) = expNode, !seq.isEmpty else {
            throw fail("experiments", "must be a non-empty list", "write `experiments:` followed by `- name: ...` items")
        }
        var experiments: [Experiment] = []
        var seen: Set<String> = []
        for (i, node) in seq.enumerated() {
            let e = try experiment(node, index: i, defaults: defaults, quickDefaults: quickDefaults, fail)
            guard seen.insert(e.name).inserted else {
                throw fail("experiments[\(i)].name", "'\(e.name)' is used twice", "give every experiment its own name")
            }
            experiments.append(e)
        }
        return Suite(file: file, name: name, description: description, repetitions: repetitions,
                     quickRepetitions: quickRepetitions, seed: seed, experiments: experiments, fileHash: "")
    }

    static func optional<T>(_ node: Node?, _ body: (Node) throws(SuiteError) -> T) throws(SuiteError) -> T? {
        guard let node else { return nil }
        return try body(node)
    }

    typealias Fail = (String, String, String) -> SuiteError

    static func experiment(_ node: Node, index i: Int, defaults: [(String, String)],
                           quickDefaults: [(String, String)], _ fail: Fail) throws(SuiteError) -> Experiment {
        let p = "experiments[\(i)]"
        let m = try mapping(node, p, fail)
        try checkKeys(m, allowed: experimentKeys, path: p, fail)
        guard let nameNode = m["name"] else {
            throw fail("\(p).name", "is missing", "give the experiment a unique name, e.g. fig5-native")
        }
        let name = try scalar(nameNode, "\(p).name", fail)
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.+".contains($0) }) else {
            throw fail("\(p).name", "'\(name)' is not a usable name",
                       "use letters, digits and - _ . + only (it names rows and files)")
        }
        guard let figNode = m["figure"] else {
            throw fail("\(p).figure", "is missing", "use one of: \(Figure.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let figure: Figure = try choice(figNode, "\(p).figure", fail)

        var scenario: Scenario? = nil
        var optimization: Optimization? = nil
        if let s = m["scenario"] {
            if figure == .fig8 {
                throw fail("\(p).scenario", "figure fig8 rows are configurations, not scenarios",
                           "replace `scenario:` with `configuration:` (\(Optimization.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let sc: Scenario = try choice(s, "\(p).scenario", fail)
            guard figure.allowedScenarios.contains(sc) else {
                throw fail("\(p).scenario", "'\(sc.rawValue)' is not a scenario of \(figure.rawValue)",
                           "use one of: \(figure.allowedScenarios.map(\.rawValue).joined(separator: ", "))")
            }
            scenario = sc
        }
        if let c = m["configuration"] {
            guard figure == .fig8 || figure == .custom else {
                throw fail("\(p).configuration", "only fig8 (and custom) experiments name a configuration",
                           "use `scenario:` for \(figure.rawValue)")
            }
            optimization = try choice(c, "\(p).configuration", fail) as Optimization
        }
        var pathKind: PathKind? = nil
        if let pn = m["path"] {
            let pk: PathKind = try choice(pn, "\(p).path", fail)
            let implied = scenario?.path ?? (optimization != nil ? .vwifi : nil)
            if let implied, implied != pk {
                throw fail("\(p).path", "'\(pk.rawValue)' contradicts the \(scenario.map { "scenario \($0.rawValue)" } ?? "configuration") (path \(implied.rawValue))",
                           "drop `path:` or make it \(implied.rawValue)")
            }
            pathKind = pk
        }
        if figure == .fig8 && optimization == nil {
            throw fail("\(p).configuration", "is missing",
                       "fig8 experiments name one of: \(Optimization.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if figure != .fig8 && figure != .custom && scenario == nil {
            throw fail("\(p).scenario", "is missing",
                       "use one of: \(figure.allowedScenarios.map(\.rawValue).joined(separator: ", "))")
        }
        guard let path = scenario?.path ?? (optimization != nil ? .vwifi : pathKind) else {
            throw fail("\(p).path", "is missing", "name a scenario or a path (\(PathKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }

        let options = try optional(m["options"]) { (n: Node) throws(SuiteError) in try optionPairs(n, "\(p).options", fail) } ?? []
        let quick = try optional(m["quick"]) { (n: Node) throws(SuiteError) in try optionPairs(n, "\(p).quick", fail) } ?? []
        var sweep: [(String, [String])] = []
        if let sw = m["sweep"] {
            let sm = try mapping(sw, "\(p).sweep", fail)
            for (k, v) in sm {
                let key = try scalar(k, "\(p).sweep", fail)
                guard PathConfig.optionNames.contains(key) else {
                    throw fail("\(p).sweep.\(key)", "unknown option",
                               "sweep one of: \(PathConfig.optionNames.joined(separator: ", "))")
                }
                guard case .sequence(let values) = v, !values.isEmpty else {
                    throw fail("\(p).sweep.\(key)", "must be a non-empty list", "write e.g. `\(key): [1, 2, 5, 10, 20]`")
                }
                var texts: [String] = []
                for (j, vn) in values.enumerated() {
                    let text = try scalar(vn, "\(p).sweep.\(key)[\(j)]", fail)
                    // Points are named by their values: a repeated value would give two points
                    // with one label and one seed, indistinguishable in every table (a fuzz-target invariant).
                    guard !texts.contains(text) else {
                        throw fail("\(p).sweep.\(key)[\(j)]", "'\(text)' is listed twice", "list each value once")
                    }
                    texts.append(text)
                }
                sweep.append((key, texts))
            }
            // The points are the product of the lists: a few short lists can ask for millions
            // of points, which would exhaust memory here instead of failing (found writing the fuzz target).
            let points = sweep.reduce(1) { min($0 * $1.1.count, maxPointsPerExperiment + 1) }
            guard points <= maxPointsPerExperiment else {
                throw fail("\(p).sweep", "asks for more than \(maxPointsPerExperiment) points (the product of its lists' lengths)",
                           "split it into several experiments or shorten its lists")
            }
        }

        // Base config: defaults, then what the figure/scenario/configuration means, then options.
        var base = PathConfig(path: path)
        try apply(defaults, to: &base, prefix: "defaults", fail)
        if figure == .fig5Latency { base.workload = .ping }
        scenario?.applyImplied(to: &base)
        optimization?.applyImplied(to: &base)
        try apply(options, to: &base, prefix: "\(p).options", fail)

        var points: [ExperimentPoint] = []
        var quickPoints: [ExperimentPoint] = []
        for combo in cartesian(sweep) {
            var c = base
            for (k, v) in combo { try apply([(k, v)], to: &c, prefix: "\(p).sweep", fail) }
            let label = combo.isEmpty ? "default" : combo.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
            var q = c
            try apply(quickDefaults, to: &q, prefix: "quick_defaults", fail)
            try apply(quick, to: &q, prefix: "\(p).quick", fail)
            for (config, isQuick) in [(c, false), (q, true)] {
                try check(config, figure: figure, scenario: scenario, optimization: optimization,
                          path: p, label: label, quick: isQuick, fail)
            }
            let make = { (config: PathConfig) in
                ExperimentPoint(experiment: name, figure: figure, scenario: scenario, optimization: optimization,
                                label: label, sweptValues: combo, config: config)
            }
            points.append(make(c))
            quickPoints.append(make(q))
        }
        return Experiment(name: name, figure: figure, scenario: scenario, optimization: optimization,
                          points: points, quickPoints: quickPoints)
    }

    /// What a figure needs of a point's config, beyond `PathConfig.validate()`.
    static func check(_ c: PathConfig, figure: Figure, scenario: Scenario?, optimization: Optimization?,
                      path p: String, label: String, quick: Bool, _ fail: Fail) throws(SuiteError) {
        let at = (label == "default" ? "" : "at sweep point \(label)") + (quick ? (label == "default" ? "with quick overrides" : " with quick overrides") : "")
        let suffix = at.isEmpty ? "" : " (\(at))"
        do { try c.validate() } catch {
            throw fail("\(p).options.\(error.field)", error.problem + suffix, error.fix)
        }
        func need(_ ok: Bool, _ field: String, _ problem: String, _ fix: String) throws(SuiteError) {
            if !ok { throw fail("\(p).options.\(field)", problem + suffix, fix) }
        }
        switch figure {
        case .fig5Throughput, .fig6, .fig8, .table1:
            try need(c.workload == .udp, "workload", "\(figure.rawValue) measures a UDP stream, not \(c.workload.rawValue)",
                     "drop `workload` (or `ping`) from this experiment")
        case .fig5Latency:
            try need(c.workload == .ping, "workload", "fig5_latency measures ping round trips",
                     "drop `workload` from this experiment")
        case .fig7:
            if let s = scenario, !s.isIdle {
                try need(c.workload == .udp, "workload", "fig7's busy scenarios run saturating UDP",
                         "drop `workload`, or use scenario system-idle / vm-idle")
            }
            if let s = scenario, s.isIdle {
                try need(c.workload == .idle, "workload", "\(s.rawValue) runs no traffic", "drop `workload` from this experiment")
            }
        case .custom: break
        }
        if figure == .fig6 {
            try need(c.direction == .tx, "direction", "Figure 6 is the TX extra path", "drop `direction: rx`")
        }
        if let s = scenario, s == .vwifi, figure != .custom {
            try need(c.translation == .software, "translation", "scenario vwifi uses software translation",
                     "use scenario vwifi-iommu for IOMMU translation")
        }
        if let o = optimization {
            try need(o.usesIOMMU == (c.translation == .iommu), "translation",
                     "configuration \(o.rawValue) \(o.usesIOMMU ? "needs" : "excludes") IOMMU translation",
                     "drop `translation`; the configuration sets it")
            try need(o.usesCoalescing == (c.coalesceDeviceModel > 1 || c.coalesceDevice > 1), "coalesce-device-model",
                     "configuration \(o.rawValue) \(o.usesCoalescing ? "needs" : "excludes") interrupt coalescing",
                     o.usesCoalescing ? "give a coalescing count above 1 (the paper used 10)" : "drop the coalescing options")
        }
        if c.workload == .idle && c.duration == nil {
            throw fail("\(p).options.duration", "an idle run has no packets to count" + suffix,
                       "give `duration:` in seconds, e.g. 3")
        }
    }

    static func apply(_ pairs: [(String, String)], to c: inout PathConfig, prefix: String, _ fail: Fail) throws(SuiteError) {
        for (k, v) in pairs {
            do { try c.set(k, to: v) } catch {
                throw fail("\(prefix).\(k)", error.problem, error.fix)
            }
        }
    }

    /// An option map: keys must be option names; values scalars (or a list, for `counters`).
    static func optionPairs(_ node: Node, _ path: String, _ fail: Fail) throws(SuiteError) -> [(String, String)] {
        let m = try mapping(node, path, fail)
        var out: [(String, String)] = []
        for (k, v) in m {
            let key = try scalar(k, path, fail)
            guard PathConfig.optionNames.contains(key) else {
                throw fail("\(path).\(key)", "unknown option",
                           "use one of: \(PathConfig.optionNames.joined(separator: ", "))")
            }
            if case .sequence(let items) = v {
                guard key == "counters" else {
                    throw fail("\(path).\(key)", "takes one value, not a list", "give a single value, or put the list under `sweep:`")
                }
                var names: [String] = []
                for (j, item) in items.enumerated() { names.append(try scalar(item, "\(path).\(key)[\(j)]", fail)) }
                out.append((key, names.joined(separator: ",")))
            } else {
                out.append((key, try scalar(v, "\(path).\(key)", fail)))
            }
        }
        return out
    }

    static func cartesian(_ sweep: [(String, [String])]) -> [[(String, String)]] {
        var combos: [[(String, String)]] = [[]]
        for (k, values) in sweep {
            combos = combos.flatMap { prefix in values.map { prefix + [(k, $0)] } }
        }
        return combos
    }

    static func mapping(_ node: Node, _ path: String, _ fail: Fail) throws(SuiteError) -> [(Node, Node)] {
        guard case .mapping(let m) = node else {
            throw fail(path.isEmpty ? "(top level)" : path, "must be a mapping of `key: value` lines",
                       "indent its fields under `\(path.isEmpty ? "the file" : path):`")
        }
        return m.map { ($0.key, $0.value) }
    }

    static func checkKeys(_ m: [(Node, Node)], allowed: [String], path: String, _ fail: Fail) throws(SuiteError) {
        var seen: Set<String> = []
        for (k, _) in m {
            let key = k.string ?? ""
            let field = path.isEmpty ? key : "\(path).\(key)"
            guard allowed.contains(key) else {
                throw fail(field, "unknown field", "use one of: \(allowed.joined(separator: ", "))")
            }
            guard seen.insert(key).inserted else { throw fail(field, "appears twice", "keep one") }
        }
    }

    static func scalar(_ node: Node, _ path: String, _ fail: Fail) throws(SuiteError) -> String {
        guard case .scalar(let s) = node else {
            throw fail(path, "must be a single value", "write `\(path.split(separator: ".").last ?? ""): value`")
        }
        return s.string
    }

    static func integer(_ node: Node, _ path: String, _ range: ClosedRange<Int>, _ fail: Fail) throws(SuiteError) -> Int {
        let s = try scalar(node, path, fail)
        guard let n = Int(s), range.contains(n) else {
            throw fail(path, "'\(s)' is not a whole number from \(range.lowerBound) to \(range.upperBound)",
                       "give a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }

    static func choice<T: RawRepresentable & CaseIterable>(_ node: Node, _ path: String, _ fail: Fail) throws(SuiteError) -> T
    where T.RawValue == String {
        let s = try scalar(node, path, fail)
        if let v = T(rawValue: s) { return v }
        throw fail(path, "'\(s)' is not allowed", "use one of: \(T.allCases.map(\.rawValue).joined(separator: ", "))")
    }

    static func oneLine(_ error: any Error) -> String {
        String(describing: error).split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
    }
}

extension [(Node, Node)] {
    subscript(key: String) -> Node? { first { $0.0.string == key }?.1 }
}
