/// A malformed suite file: names the file, the field path inside it, what is wrong and what is
/// allowed. The CLI prints `description` on one line and exits with status 2.
public struct SuiteError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// Path of the field inside the file, e.g. `experiments[3].options.coalesce-device-model`.
    public var field: String
    public var problem: String
    public var fix: String

    public init(file: String, field: String, problem: String, fix: String) {
        self.file = file; self.field = field; self.problem = problem; self.fix = fix
    }

    public var description: String {
        field.isEmpty ? "\(file): \(problem); \(fix)" : "\(file): \(field): \(problem); \(fix)"
    }
}
