// Where the device model hands completions back to the guest driver. The device model code is
// the same for both guests; only this last step differs: the thread-trap guest reads a
// completion ring, the KVM guest program (Guest/, C behind an assembly entry stub) reads the status word of its
// own TX descriptors and a completion index, as many real NICs report TX completion.
import CVWiFiShim
import Platform
import VMM
/// Takes one completion (TX status or RX frame) for the guest driver. Called on the device-model
/// thread only.
package protocol GuestCompletionSink: AnyObject {
    /// False when the guest side cannot take it (its ring is full, or it has no RX path): the
    /// driver broke the protocol.
    func post(_ completion: Descriptor) -> Bool
    /// Completions the guest side can take now without any being lost.
    var freeSlots: Int { get }
}

/// The thread-trap guest's completion ring in guest memory.
package final class CompletionRingSink: GuestCompletionSink {
    private let ring: DescriptorRing
    package init(rings: GuestRings) { ring = rings.completions }
    package func post(_ completion: Descriptor) -> Bool { ring.push(completion) }
    package var freeSlots: Int { ring.freeSlots }
}
