// The arguments of `vwifi-bench path` that name the data path and set options, read against the
// option table. ArgumentParser declares flags at compile time only, so the command hands this
// the arguments it did not recognise; its own flags (`--out`, `--json`) never reach here.
public struct PathArguments: Sendable, Equatable {
    public struct Setting: Sendable, Equatable {
        public var option: String
        public var value: String
    }

    /// A structural problem (not a bad value: those are `ConfigError`s when applied). The CLI
    /// reports these as argument errors, like ArgumentParser's own.
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case unknownOption(String)
        case missingValue(flag: String, placeholder: String, help: String)
        case flagGivenAValue(flag: String, value: String)
        case unexpectedArgument(String)
        case missingPath

        public var description: String {
            switch self {
            case .unknownOption(let f): "Unknown option '\(f)'"
            case .missingValue(let f, let p, let help): "Missing value for '\(f) <\(p)>'\nHelp:  \(f) <\(p)>  \(help)"
            case .flagGivenAValue(let f, let v): "The option '\(f)' does not take any value, but '\(v)' was specified."
            case .unexpectedArgument(let a): "Unexpected argument '\(a)'"
            case .missingPath: "Missing expected argument '<path>'"
            }
        }
    }

    public var path: String
    /// In the order given; a flag's value is the one it sets ("true" or "false").
    public var settings: [Setting]

    /// Reads `--flag value`, `--flag=value` and bare flags; the one other argument is the path.
    public init(_ arguments: [String]) throws(Problem) {
        var path: String? = nil
        var settings: [Setting] = []
        var rest = arguments[...]
        var afterTerminator = false
        while let arg = rest.popFirst() {
            guard !afterTerminator, arg.hasPrefix("-"), arg.count > 1 else {
                guard path == nil else { throw .unexpectedArgument(arg) }
                path = arg
                continue
            }
            if arg == "--" {
                afterTerminator = true
                continue
            }
            let (flag, attached) = Self.split(arg)
            guard let option = PathOption.all.first(where: { $0.flag == flag }) else { throw .unknownOption(flag) }
            if case .boolean(let sets) = option.values {
                if let attached { throw .flagGivenAValue(flag: flag, value: attached) }
                settings.append(Setting(option: option.name, value: String(sets)))
                continue
            }
            if let attached {
                settings.append(Setting(option: option.name, value: attached))
            } else if let next = rest.first, option.takesDashLeadingValue || !next.hasPrefix("-") || next == "-" {
                settings.append(Setting(option: option.name, value: next))
                rest.removeFirst()
            } else {
                throw .missingValue(flag: flag, placeholder: option.placeholder, help: option.help)
            }
        }
        guard let path else { throw .missingPath }
        self.path = path
        self.settings = settings
    }

    /// Whether the arguments set this option.
    public func gave(_ name: String) -> Bool { settings.contains { $0.option == name } }

    /// Sets every option in table order, not argument order, so the result does not depend on
    /// where a flag stands (`--ping 5 --workload udp` is a ping run, as `--workload udp --ping 5`);
    /// a flag given twice keeps its last value.
    public func apply(to config: inout PathConfig) throws(ConfigError) {
        let rank = Dictionary(uniqueKeysWithValues: PathOption.names.enumerated().map { ($1, $0) })
        let ordered = settings.enumerated().sorted { a, b in
            (rank[a.element.option] ?? 0, a.offset) < (rank[b.element.option] ?? 0, b.offset)
        }
        for (_, s) in ordered { try config.set(s.option, to: s.value) }
    }

    static func split(_ arg: String) -> (flag: String, value: String?) {
        guard arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") else { return (arg, nil) }
        return (String(arg[..<eq]), String(arg[arg.index(after: eq)...]))
    }
}
