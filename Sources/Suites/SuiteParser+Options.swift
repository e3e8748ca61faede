// Option maps (`defaults`, `options`, `quick`, ...) and sweeps: keys are option-table names,
// values reach `PathConfig.set(_:to:)` as text, and a bad one is reported at its field path.
import DataPaths
import Yams

extension SuiteParser {
    static func apply(_ pairs: [(String, String)], to c: inout PathConfig, prefix: String, _ fail: Fail) throws(SuiteError) {
        for (k, v) in pairs {
            do { try c.set(k, to: v) } catch {
                throw fail("\(prefix).\(k)", error.problem, error.fix)
            }
        }
    }

    /// An option map: keys must be option names; values scalars (or a YAML list, for a list option such as `counters`).
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
                guard PathOption.named(key)?.values == .list else {
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

    /// A sweep: option -> distinct values, in file order, at most `maxPointsPerExperiment` points.
    static func sweepLists(_ node: Node, _ path: String, _ fail: Fail) throws(SuiteError) -> [(String, [String])] {
        var sweep: [(String, [String])] = []
        let sm = try mapping(node, path, fail)
        for (k, v) in sm {
            let key = try scalar(k, path, fail)
            guard PathConfig.optionNames.contains(key) else {
                throw fail("\(path).\(key)", "unknown option",
                           "sweep one of: \(PathConfig.optionNames.joined(separator: ", "))")
            }
            guard case .sequence(let values) = v, !values.isEmpty else {
                throw fail("\(path).\(key)", "must be a non-empty list", "write e.g. `\(key): [1, 2, 5, 10, 20]`")
            }
            var texts: [String] = []
            for (j, vn) in values.enumerated() {
                let text = try scalar(vn, "\(path).\(key)[\(j)]", fail)
                // Points are named by their values: a repeated value would give two points
                // with one label and one seed, indistinguishable in every table (a fuzz-target invariant).
                guard !texts.contains(text) else {
                    throw fail("\(path).\(key)[\(j)]", "'\(text)' is listed twice", "list each value once")
                }
                texts.append(text)
            }
            sweep.append((key, texts))
        }
        // The points are the product of the lists: a few short lists can ask for millions
        // of points, which would exhaust memory here instead of failing (found writing the fuzz target).
        let points = sweep.reduce(1) { min($0 * $1.1.count, maxPointsPerExperiment + 1) }
        guard points <= maxPointsPerExperiment else {
            throw fail(path, "asks for more than \(maxPointsPerExperiment) points (the product of its lists' lengths)",
                       "split it into several experiments or shorten its lists")
        }
        return sweep
    }
}
