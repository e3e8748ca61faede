// Reads a suite file (YAML) into a `Suite`. Every problem becomes one `SuiteError` naming the
// file, the field path and what is allowed. The suite's own fields are listed here; option
// fields are exactly the option table's (`PathOption.all`) and go through `PathConfig.set(_:to:)`,
// so a suite field and the `vwifi-bench path` flag of the same name fail with the same words.
// This file reads the top level; the other SuiteParser+ files one facet each.
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
        suite.source = text
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
}
