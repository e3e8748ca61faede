/// Why a thread could not be placed, with the fix.
public struct PlacementError: Error, CustomStringConvertible, Sendable, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
