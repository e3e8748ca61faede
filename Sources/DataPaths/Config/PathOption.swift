// One option of a data-path run: its name (a `vwifi-bench path` flag and a suite field alike),
// what values it takes and how a textual value lands in a `PathConfig`. The table of them
// (`PathOption.all`) is the only list of options: `PathConfig.set(_:to:)`, the CLI's flags and
// help, the suite parser's fields, and the checks on the README and the fuzz dictionary all
// read it, so none of them can drift from the others.
public struct PathOption: Sendable {
    /// What an option accepts; also what its help and its CLI parsing say.
    public enum Values: Sendable, Equatable {
        case integer(ClosedRange<Int>, powerOfTwo: Bool)
        case number(ClosedRange<Double>)
        /// A whole number from 0 up (a seed).
        case unsigned
        /// true or false; the CLI spells it as a flag with no value that sets `flagSets`.
        case boolean(flagSets: Bool)
        case choice([String])
        /// A comma-separated list (a suite may write it as a YAML list).
        case list
        case text
    }

    public let name: String
    /// What the value is, as help and the README write it (`N`, `BYTES`, `tx|rx`); empty for a flag.
    public let placeholder: String
    public let help: String
    public let values: Values
    let apply: @Sendable (inout PathConfig, String) throws(ConfigError) -> Void

    /// How `vwifi-bench path` spells it: `--name`, or `--no-name` for a flag that turns off
    /// what is on by default.
    public var flag: String {
        if case .boolean(flagSets: false) = values { return "--no-\(name)" }
        return "--\(name)"
    }

    /// Numbers take the next CLI argument even when it starts with a dash, so `--size -5` gets
    /// the range message; names and paths do not, so `--kvm-device --json` is a missing value.
    /// A traffic program's flags are the one text that starts with a dash (`--traffic-args -w 1M`).
    public var takesDashLeadingValue: Bool {
        switch values {
        case .integer, .number, .unsigned: true
        case .text: name == "traffic-args"
        case .boolean, .choice, .list: false
        }
    }

    public var isFlag: Bool {
        if case .boolean = values { return true }
        return false
    }

    /// The allowed values in words, for help text; nil where any text goes.
    public var range: String? {
        switch values {
        case .integer(let r, let powerOfTwo):
            (powerOfTwo ? "a power of two, " : "") + "\(r.lowerBound) to \(r.upperBound)"
        case .number(let r): "\(Self.plain(r.lowerBound)) to \(Self.plain(r.upperBound))"
        case .unsigned: "0 or more"
        case .choice(let c): c.joined(separator: ", ")
        case .boolean, .list, .text: nil
        }
    }

    /// The option whose `name` this is, if any.
    public static func named(_ name: String) -> PathOption? { all.first { $0.name == name } }

    public static var names: [String] { all.map(\.name) }

    static func plain(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
}
