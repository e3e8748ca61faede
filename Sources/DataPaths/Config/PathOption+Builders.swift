// Builders for the table: each parses the text as its kind allows, then hands the typed value
// to the setter, so an entry only says what it sets.
extension PathOption {
    static func integer(_ name: String, _ placeholder: String, _ help: String, _ r: ClosedRange<Int>,
                        powerOfTwo: Bool = false,
                        set: @escaping @Sendable (inout PathConfig, Int) -> Void) -> PathOption {
        PathOption(name: name, placeholder: placeholder, help: help, values: .integer(r, powerOfTwo: powerOfTwo)) {
            (c: inout PathConfig, v: String) throws(ConfigError) in
            let n = try Self.integer(name, v, min: r.lowerBound, max: r.upperBound)
            guard !powerOfTwo || n & (n - 1) == 0 else {
                throw ConfigError(field: name, problem: "\(n) is not a power of two",
                                  fix: "use a power of two between \(r.lowerBound) and \(r.upperBound), e.g. 256")
            }
            set(&c, n)
        }
    }

    static func number(_ name: String, _ placeholder: String, _ help: String, _ r: ClosedRange<Double>,
                       set: @escaping @Sendable (inout PathConfig, Double) -> Void) -> PathOption {
        PathOption(name: name, placeholder: placeholder, help: help, values: .number(r)) {
            (c: inout PathConfig, v: String) throws(ConfigError) in
            set(&c, try Self.number(name, v, min: r.lowerBound, max: r.upperBound))
        }
    }

    static func unsigned(_ name: String, _ placeholder: String, _ help: String,
                         set: @escaping @Sendable (inout PathConfig, UInt64) -> Void) -> PathOption {
        PathOption(name: name, placeholder: placeholder, help: help, values: .unsigned) {
            (c: inout PathConfig, v: String) throws(ConfigError) in
            guard let n = UInt64(v) else {
                throw ConfigError(field: name, problem: "'\(v)' is not a non-negative integer",
                                  fix: "give a seed such as 1")
            }
            set(&c, n)
        }
    }

    static func boolean(_ name: String, _ help: String, flagSets: Bool = true,
                        set: @escaping @Sendable (inout PathConfig, Bool) -> Void) -> PathOption {
        PathOption(name: name, placeholder: "", help: help, values: .boolean(flagSets: flagSets)) {
            (c: inout PathConfig, v: String) throws(ConfigError) in
            set(&c, try Self.boolean(name, v))
        }
    }

    static func choice<T: RawRepresentable & CaseIterable>(
        _ name: String, _ help: String, _: T.Type, set: @escaping @Sendable (inout PathConfig, T) -> Void
    ) -> PathOption where T.RawValue == String {
        let allowed = T.allCases.map(\.rawValue)
        return PathOption(name: name, placeholder: allowed.joined(separator: "|"), help: help, values: .choice(allowed)) {
            (c: inout PathConfig, v: String) throws(ConfigError) in
            guard let value = T(rawValue: v.trimmingSpaces()) else {
                throw ConfigError(field: name, problem: "'\(v)' is not allowed",
                                  fix: "use one of: \(allowed.joined(separator: ", "))")
            }
            set(&c, value)
        }
    }

    static func list(_ name: String, _ placeholder: String, _ help: String,
                     set: @escaping @Sendable (inout PathConfig, [String]) -> Void) -> PathOption {
        PathOption(name: name, placeholder: placeholder, help: help, values: .list) {
            (c: inout PathConfig, v: String) throws(ConfigError) in
            set(&c, v.split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty })
        }
    }

    static func text(_ name: String, _ placeholder: String, _ help: String,
                     set: @escaping @Sendable (inout PathConfig, String) -> Void) -> PathOption {
        PathOption(name: name, placeholder: placeholder, help: help, values: .text) {
            (c: inout PathConfig, v: String) throws(ConfigError) in set(&c, v)
        }
    }
}
