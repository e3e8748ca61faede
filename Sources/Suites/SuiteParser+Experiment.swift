// One experiment of a suite: its fields, what its figure, scenario or configuration implies, and
// its sweep points with their quick variants.
import DataPaths
import Yams

extension SuiteParser {
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
        let sweep = try optional(m["sweep"]) { (n: Node) throws(SuiteError) in try sweepLists(n, "\(p).sweep", fail) } ?? []

        // Base config: defaults, then what the figure/scenario/configuration means, then options.
        var base = PathConfig(path: path)
        try apply(defaults, to: &base, prefix: "defaults", fail)
        if figure == .fig5Latency { base.workload = .ping }
        if figure == .headroom { base.air = .none }
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
}
