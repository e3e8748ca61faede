import DataPaths

/// A suite file, parsed and checked: every experiment point is a valid `PathConfig`.
public struct Suite: Sendable {
    /// The file it came from, as given (used in error messages and metadata).
    public var file: String
    public var name: String
    public var description: String
    /// Measured repetitions of each point (warm-up excluded).
    public var repetitions: Int
    /// Repetitions under `--quick`.
    public var quickRepetitions: Int
    /// Seeds the interleaving order and, mixed with the repetition, each run's `seed` option.
    public var seed: UInt64
    public var experiments: [Experiment]
    /// SHA-256 of the file's bytes (hex), for metadata.json.
    public var fileHash: String
    /// The file's text, copied into each results directory (`suite.yaml`) so that a resume or a
    /// report reads the very suite the run read.
    public var source: String = ""

    public static let defaultRepetitions = 6
    public static let defaultQuickRepetitions = 2

    /// Every point of every experiment, in file order.
    public func points(quick: Bool) -> [ExperimentPoint] {
        experiments.flatMap { e in quick ? e.quickPoints : e.points }
    }
}

/// One named measurement: a scenario (or Figure 8 configuration) on a path, with options and an
/// optional sweep.
public struct Experiment: Sendable {
    public var name: String
    public var figure: Figure
    public var scenario: Scenario?
    public var optimization: Optimization?
    /// One config per sweep point (the cartesian product of the sweep lists, in file order).
    public var points: [ExperimentPoint]
    /// The same points with the `quick:` overrides applied.
    public var quickPoints: [ExperimentPoint]
}

/// One row of results: an experiment at one combination of swept values.
public struct ExperimentPoint: Sendable {
    public var experiment: String
    public var figure: Figure
    public var scenario: Scenario?
    public var optimization: Optimization?
    /// `default` without a sweep, else `option=value` pairs joined by `,`.
    public var label: String
    /// The swept values of this point, option name to text.
    public var sweptValues: [(String, String)]
    public var config: PathConfig

    /// The scenario or configuration name the figure tables use.
    public var rowName: String {
        scenario?.rawValue ?? optimization?.rawValue ?? config.path.rawValue
    }

    /// `experiment` or `experiment[label]` for progress lines and warnings.
    public var displayName: String { label == "default" ? experiment : "\(experiment)[\(label)]" }

    /// One string per point for dictionary keys, from its experiment and label as a journal line or
    /// a table row gives them (a unit separator between: neither name can contain one).
    static func key(experiment: some StringProtocol, label: some StringProtocol) -> String { "\(experiment)\u{1f}\(label)" }
    var key: String { Self.key(experiment: experiment, label: label) }
}
