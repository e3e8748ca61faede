// The thread-trap guest's completion format: a completion ring in guest memory.
import Platform
import VMM

/// The thread-trap guest's completion ring in guest memory.
package final class CompletionRingSink: GuestCompletionSink {
    private let ring: DescriptorRing
    package init(rings: GuestRings) { ring = rings.completions }
    package func post(_ completion: Descriptor) -> Bool { ring.push(completion) }
    package var freeSlots: Int { ring.freeSlots }
}
