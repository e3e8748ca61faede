/// What one device-model fuzz input did.
public struct DeviceModelFuzzReport: Sendable {
    /// Broken invariants (empty: the model held).
    public var violations: [String]
    /// Commands the host driver received.
    public var commands = 0
    /// Descriptors and RX buffers the model refused, by drop reason (e.g. descriptor_bad_length).
    public var rejections: [String: Int] = [:]
    /// RX frames the guest received and the target checked byte for byte.
    public var rxFramesCopied = 0
    public var ringIndicesOutOfRange = 0
    public var undefinedRegisterAccesses = 0
    /// Why the model stopped its run, if it did (no guest input should make it).
    public var runFailure: String?
    /// Drains that left TX descriptors waiting because the guest's completion ring was full
    /// (a guest that stops reaping completions stalls only itself).
    public var completionRingFullDeferrals = 0
    /// The guest overwrote its own rings (see `ringsTampered`): what it read back was not checked.
    public var guestWreckedItsRings = false
}
