/// Whether one requested counter counts on this machine, and why not if it does not.
public struct CounterAvailability: Codable, Sendable, Equatable {
    /// The event name as requested (libpfm4 syntax).
    public let name: String
    public let available: Bool
    /// Why it is unavailable (or a caveat when available, e.g. "opened alone, outside the group").
    public let reason: String
    /// What libpfm4 encoded it to (PMU, type, config), or empty when it could not encode it.
    public let encoding: String

    public init(name: String, available: Bool, reason: String, encoding: String) {
        self.name = name
        self.available = available
        self.reason = reason
        self.encoding = encoding
    }
}
