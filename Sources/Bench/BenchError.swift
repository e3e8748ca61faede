import Measurement

/// Why a bench measurement could not be taken.
public enum BenchError: Error, Sendable, CustomStringConvertible {
    /// The C reference failed; it reports -errno like the shim, so the funnel names it.
    case reference(SystemCallError)
    case harness(String)
    /// A system call of the harness side failed.
    case system(SystemCallError)

    public var description: String {
        switch self {
        case .reference(let failure): "C reference: \(failure)"
        case .harness(let m): "harness: \(m)"
        case .system(let failure): "harness: \(failure)"
        }
    }
}
