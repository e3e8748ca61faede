import CVWiFiShim
import Testing
@testable import DataPaths
import Platform

/// The assigned device's register page is mapped into the guest: its TX tail register is a word
/// the guest writes whatever it likes into, and nothing in the host sees the store. The device
/// must take no descriptor beyond what the guest really published, refuse (and count) tails
/// more than a ring away, and never spin on a value it refused.
@Suite struct PassthroughRegisterPageTests {
    final class Fixture {
        let memory: GuestMemory
        let rings: GuestRings
        let iommu = IOMMU()
        let control = PipelineControl()
        let registers = DeviceRegisterPage()
        let device: PhysicalDevice
        let frameLength = FrameFormat.payloadOffset + 100

        init() throws {
            memory = try GuestMemory(size: 8 << 20, vmID: 1)
            rings = try GuestRings(memory: memory, ringSize: 16, rxBuffers: 16)
            iommu.attach(memory: memory)
            var config = PathConfig(path: .passthrough)
            config.air = .none
            config.packets = 64
            config.warmupPackets = 0
            var wiring = DeviceWiring(txRing: rings.tx, doorbell: Notifier(), completions: rings.completions,
                                      rxFree: rings.rxFree, irq: try PhysicalInterrupt(), iommu: iommu,
                                      owner: .guest(vmID: 1), registers: registers)
            wiring.samplesDoorbell = true
            let vms = VMTable()
            try vms.register(Stations.deviceState(vmID: 1))
            let account = ThreadAccount(component: .device, name: "regs-ucode", stampCapacity: 64, stampsEnabled: false, events: [])
            device = PhysicalDevice(context: ComponentContext(config: config, account: account, control: control, tally: Tally()),
                                    wiring: wiring, vms: vms, station: Stations.station(vmID: 1), bssid: Stations.bssid,
                                    stationVMID: 1, expectedFrames: 64)
        }

        /// The guest publishes one honest TX descriptor (ring slot and producer index in its RAM).
        func publish(seq: UInt32) {
            let gpa = rings.txBuffers[Int(seq) % rings.txBuffers.count]
            let host = memory.hostAddress(gpa: gpa, length: frameLength)!
            FrameFormat.writeHeaders(into: host, payloadLength: 100, seq: seq, source: Stations.station(vmID: 1),
                                     destination: Stations.peer, bssid: Stations.bssid, kind: .udp)
            FrameFormat.writePayload(into: host + FrameFormat.payloadOffset, length: 100, seq: seq)
            #expect(rings.tx.push(Descriptor(addr: gpa, length: UInt32(frameLength), seq: seq, kind: .tx)))
        }

        /// What the device takes now (it transmits each and completes it).
        func drain() -> Int {
            var d = Descriptor()
            var taken = 0
            while device.nextTX(into: &d) {
                device.transmit(d)
                taken += 1
                while rings.completions.tryPop() != nil {}
            }
            return taken
        }

        var refused: Int { device.dropCounts[DropReason.ringIndexOutOfRange.name] ?? 0 }
    }

    @Test func garbageTailsTakeNothingAndAreCountedOnce() throws {
        let f = try Fixture()
        for seq in 0..<4 { f.publish(seq: UInt32(seq)) }
        // Nothing announced yet: a published ring alone is not a doorbell.
        #expect(f.drain() == 0)
        // Tails more than a ring beyond what the device took, in both directions.
        for garbage: UInt32 in [17, 0xFFFF_FFFF, 0x8000_0000, 1 << 20] {
            f.registers.storeTXTail(garbage)
            #expect(f.drain() == 0, "tail \(garbage)")
            // Refused once, and no longer news: the idle device waits for the next store.
            #expect(!f.device.hasTXWork)
            #expect(f.drain() == 0)
        }
        #expect(f.refused == 4)
        // A tail beyond the producer index (within a ring): only what was published goes out.
        f.registers.storeTXTail(9)
        #expect(f.drain() == 4)
        #expect(f.device.delivered == 4)
        #expect(!f.device.hasTXWork)
        // The guest catches up honestly: the rest of its announcement goes out.
        for seq in 4..<9 { f.publish(seq: UInt32(seq)) }
        f.registers.storeTXTail(9)   // the same value again: a posted write of an unchanged register
        #expect(f.drain() == 5)
        #expect(f.device.delivered == 9)
        #expect(f.control.failureMessage == nil)
    }

    @Test func aTailBelowWhatWasPublishedHoldsTheRestBack() throws {
        let f = try Fixture()
        for seq in 0..<6 { f.publish(seq: UInt32(seq)) }
        f.registers.storeTXTail(2)
        #expect(f.drain() == 2)
        #expect(f.device.descriptorsWaiting == 0)
        f.registers.storeTXTail(6)
        #expect(f.device.descriptorsWaiting == 6 - 2)
        #expect(f.drain() == 4)
        #expect(f.refused == 0)
    }

    @Test func aHostileProducerIndexIsRefusedWithoutSpinning() throws {
        let f = try Fixture()
        f.publish(seq: 0)
        // The guest writes its ring's producer index far ahead, then a tail within a ring.
        vw_store_release_u32(f.rings.tx.memory.assumingMemoryBound(to: UInt32.self), 1 << 30)
        f.registers.storeTXTail(1)
        #expect(f.drain() == 0)
        #expect(!f.device.hasTXWork)
        #expect(f.refused >= 1)
        #expect(f.device.delivered == 0)
    }
}
