import CVWiFiShim
import Foundation
import Synchronization
import Testing
@testable import Platform

@Suite(.serialized) struct RingTests {
    @Test func descriptorIs32BytesWithAFixedLayout() {
        #expect(MemoryLayout<Descriptor>.size == 32)
        #expect(MemoryLayout<Descriptor>.stride == 32)
        #expect(MemoryLayout<Descriptor>.offset(of: \.addr) == 0)
        #expect(MemoryLayout<Descriptor>.offset(of: \.length) == 8)
        #expect(MemoryLayout<Descriptor>.offset(of: \.seq) == 12)
        #expect(MemoryLayout<Descriptor>.offset(of: \.flags) == 16)
        #expect(MemoryLayout<Descriptor>.offset(of: \.vmID) == 18)
        #expect(MemoryLayout<Descriptor>.offset(of: \.kind) == 19)
        #expect(MemoryLayout<Descriptor>.offset(of: \.status) == 20)
        #expect(MemoryLayout<Descriptor>.offset(of: \.bufferID) == 22)
        #expect(MemoryLayout<Descriptor>.offset(of: \.aux) == 24)
        #expect(Descriptor(kind: .ping).descriptorKind == .ping)
        #expect(DescriptorKind.txStatus.rawValue == 3)
    }

    @Test func fullRingRefusesPushAndUnpublishedSlotsAreInvisible() throws {
        let ring = DescriptorRing(capacity: 8)
        for i in 0..<8 { #expect(ring.tryPush(Descriptor(seq: UInt32(i)))) }
        #expect(!ring.tryPush(Descriptor(seq: 8)))
        #expect(ring.isFull && ring.freeSlots == 0)
        #expect(ring.isEmpty && ring.tryPop() == nil)  // nothing published yet
        ring.publish()
        #expect(ring.count == 8)
        #expect(ring.tryPop()?.seq == 0)
        #expect(ring.push(Descriptor(seq: 8)))
        #expect(!ring.push(Descriptor(seq: 9)))
        var d = Descriptor.zero
        var seen: [UInt32] = []
        while ring.tryPop(into: &d) { seen.append(d.seq) }
        #expect(seen == Array(1...8))
        #expect(ring.isEmpty && ring.freeSlots == 8)
    }

    @Test func capacityIsRoundedUpToAPowerOfTwo() {
        #expect(DescriptorRing(capacity: 6).capacity == 8)
        #expect(DescriptorRing(capacity: 0).capacity == 2)
        #expect(DescriptorRing(capacity: 64).capacity == 64)
        #expect(DescriptorRing.bytesNeeded(capacity: 100) == 256 + 128 * 32)
    }

    @Test func ringInGuestMemoryIsSharedByTwoViews() throws {
        let m = try GuestMemory(size: 1 << 20, vmID: 0)
        let bytes = DescriptorRing.bytesNeeded(capacity: 64)
        #expect(bytes == 256 + 64 * 32)
        let gpa = try m.allocate(bytes: bytes)
        let memory = m.hostAddress(gpa: gpa, length: bytes)!
        let producer = DescriptorRing(memory: memory, capacity: 64)
        let consumer = DescriptorRing(memory: memory, capacity: 64)
        for i in 0..<40 { #expect(producer.tryPush(Descriptor(addr: UInt64(i), seq: UInt32(i), kind: .rx))) }
        producer.publish()
        var d = Descriptor.zero
        for i in 0..<40 {
            #expect(consumer.tryPopDeferringRelease(into: &d) && d.seq == UInt32(i) && d.kind == DescriptorKind.rx.rawValue)
        }
        #expect(producer.freeSlots == 24)  // not released yet
        consumer.releaseConsumed()
        #expect(producer.freeSlots == 64)
        // A third view attached later starts from the indices in memory.
        let late = DescriptorRing(memory: memory, capacity: 64)
        #expect(late.isEmpty)
        #expect(producer.push(Descriptor(seq: 99)))
        #expect(late.tryPop()?.seq == 99)
    }

    @Test func sharedHeaderAccessorsReadThePublishedAndReleasedIndices() {
        let ring = DescriptorRing(capacity: 8)
        #expect(ring.sharedProducerIndex == 0 && ring.sharedConsumerIndex == 0)
        for i in 0..<3 { #expect(ring.tryPush(Descriptor(seq: UInt32(i)))) }
        #expect(ring.sharedProducerIndex == 0)  // written, not published
        ring.publish()
        #expect(ring.sharedProducerIndex == 3)
        var d = Descriptor.zero
        #expect(ring.tryPopDeferringRelease(into: &d) && ring.tryPopDeferringRelease(into: &d))
        #expect(ring.sharedConsumerIndex == 0)  // popped, not released
        ring.releaseConsumed()
        #expect(ring.sharedConsumerIndex == 2)
        // The header words themselves, at offsets 0 and 128.
        #expect(ring.memory.load(as: UInt32.self) == ring.sharedProducerIndex)
        #expect(ring.memory.load(fromByteOffset: DescriptorRing.consumerIndexOffset, as: UInt32.self) == 2)
        // Slots start after the header and wrap with the capacity.
        #expect(ring.slotAddress(0) == ring.memory + DescriptorRing.headerBytes)
        #expect(ring.slotAddress(9) == ring.slotAddress(1))
        #expect(ring.slotAddress(1) - ring.slotAddress(0) == DescriptorRing.slotBytes)
        #expect(ring.slotAddress(2).load(as: Descriptor.self).seq == 2)
    }

    @Test func spscOrderSurvivesAMillionDescriptorsAcrossThreads() throws {
        let ring = DescriptorRing(capacity: 256)
        let total = 1_000_000
        let batch = 16
        let producer = TestThread {
            var i = 0
            while i < total {
                var pushed = 0
                while pushed < batch && i < total && ring.tryPush(Descriptor(addr: UInt64(i) &* 3, seq: UInt32(i), aux: UInt64(i))) {
                    pushed += 1
                    i += 1
                }
                ring.publish()
                if pushed == 0 { sched_yield() }
            }
        }
        var expected = 0
        var misordered = 0
        var d = Descriptor.zero
        var idle = 0
        while expected < total {
            if ring.tryPop(into: &d) {
                if d.seq != UInt32(expected) || d.aux != UInt64(expected) || d.addr != UInt64(expected) &* 3 { misordered += 1 }
                expected += 1
                idle = 0
            } else {
                idle += 1
                if idle > 64 { sched_yield() }
                if idle > 50_000_000 { break }
            }
        }
        #expect(producer.join())
        #expect(expected == total)
        #expect(misordered == 0)
        #expect(ring.isEmpty)
    }
}
