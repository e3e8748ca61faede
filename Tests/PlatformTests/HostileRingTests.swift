import CVWiFiShim
import Testing
@testable import Platform

/// The consumer of a ring in guest RAM must survive any producer index the guest writes.
@Suite struct HostileRingTests {
    @Test func consumerRefusesAProducerIndexMoreThanARingAheadOrBehind() {
        let ring = DescriptorRing(capacity: 8)
        let producer = ring.memory.assumingMemoryBound(to: UInt32.self)
        for hostile: UInt32 in [9, 1_000_000, UInt32.max, 0x8000_0000] {
            vw_store_release_u32(producer, hostile)
            #expect(ring.tryPop() == nil, "producer index \(hostile) with an empty ring")
        }
        #expect(ring.rejectedProducerIndices == 4)
        // A full ring (exactly capacity ahead) is legal and pops its 8 slots, no more.
        vw_store_release_u32(producer, 0)
        for i in 0..<8 { #expect(ring.tryPush(Descriptor(seq: UInt32(i)))) }
        ring.publish()
        var seqs: [UInt32] = []
        while let d = ring.tryPop() { seqs.append(d.seq) }
        #expect(seqs == Array(0..<8))
        #expect(ring.rejectedProducerIndices == 4)
    }
}
