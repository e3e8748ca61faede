// Reading a textual value (a CLI argument or a YAML scalar) as a number or a boolean. The
// messages name the field and the allowed values, the same from either source.
extension PathOption {
    static func integer(_ f: String, _ v: String, min: Int, max: Int) throws(ConfigError) -> Int {
        guard let n = Int(v.trimmingSpaces()) else {
            throw ConfigError(field: f, problem: "'\(v)' is not a whole number", fix: "give a whole number from \(min) to \(max)")
        }
        guard n >= min && n <= max else {
            throw ConfigError(field: f, problem: "\(n) is out of range", fix: "give a whole number from \(min) to \(max)")
        }
        return n
    }

    static func number(_ f: String, _ v: String, min: Double, max: Double) throws(ConfigError) -> Double {
        guard let n = Double(v.trimmingSpaces()), n.isFinite else {
            throw ConfigError(field: f, problem: "'\(v)' is not a number", fix: "give a number from \(min) to \(max)")
        }
        guard n >= min && n <= max else {
            throw ConfigError(field: f, problem: "\(n) is out of range", fix: "give a number from \(min) to \(max)")
        }
        return n
    }

    static func boolean(_ f: String, _ v: String) throws(ConfigError) -> Bool {
        switch v.trimmingSpaces().lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw ConfigError(field: f, problem: "'\(v)' is not a boolean", fix: "give true or false")
        }
    }
}
