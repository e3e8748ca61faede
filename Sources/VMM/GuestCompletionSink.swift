// Where completions go back to the guest driver, in the format that driver reads: the
// thread-trap guest reads a completion ring, the KVM guest program (Guest/) reads the status
// word of its own TX descriptors and a completion index, as many real NICs report TX
// completion. The device model (vwifi) and the assigned device (passthrough) both post here.
import Platform

/// Takes one completion (TX status or RX frame) for the guest driver. Called on one thread only
/// (the device model's or the device's).
package protocol GuestCompletionSink: AnyObject {
    /// False when the guest side cannot take it (its ring is full, or it has no RX path): the
    /// driver broke the protocol.
    func post(_ completion: Descriptor) -> Bool
    /// Completions the guest side can take now without any being lost.
    var freeSlots: Int { get }
}
