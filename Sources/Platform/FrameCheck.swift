/// Result of `FrameFormat.verify`.
public enum FrameCheck: Sendable, Equatable {
    case ok(seq: UInt32, payloadLength: Int, kind: FrameKind)
    case corrupt(reason: String)

    public var isOK: Bool {
        if case .ok = self { return true }
        return false
    }
}
