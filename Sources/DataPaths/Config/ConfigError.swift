/// A bad option: names the field, what is wrong and how to fix it. Exit status 2.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var problem: String
    public var fix: String
    public init(field: String, problem: String, fix: String) {
        self.field = field
        self.problem = problem
        self.fix = fix
    }
    public var description: String { "\(field): \(problem); \(fix)" }
}
