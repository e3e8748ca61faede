import CVWiFiShim
import Testing
@testable import DataPaths
import Platform

/// An assigned device reads its TX and RX-free rings straight from guest memory, so every
/// descriptor there is guest input. Whatever flag bits a hostile passthrough guest sets, and
/// whatever address it writes (here: the harness's own memory, holding a frame the access point
/// would accept), the device goes through that VM's IOMMU domain: the DMA faults, is counted,
/// and the harness's memory is neither read onto the air nor written.
@Suite(.serialized) struct PassthroughDMATrustTests {
    final class Fixture {
        let memory: GuestMemory
        let rings: GuestRings
        let iommu = IOMMU()
        let control = PipelineControl()
        let device: PhysicalDevice
        /// Harness memory outside every guest: a frame from the guest's own MAC, ready to go.
        let harness: UnsafeMutableRawPointer
        let harnessBytes = 4096
        let frameLength: Int

        init(direction: Direction) throws {
            memory = try GuestMemory(size: 8 << 20, vmID: 1)
            rings = try GuestRings(memory: memory, ringSize: 16, rxBuffers: 16)
            iommu.attach(memory: memory)
            var config = PathConfig(path: .passthrough)
            config.air = .none
            config.direction = direction
            config.packets = 8
            config.warmupPackets = 0
            let wiring = DeviceWiring(txRing: rings.tx, doorbell: Notifier(), completions: rings.completions,
                                      rxFree: rings.rxFree, irq: try PhysicalInterrupt(), iommu: iommu,
                                      owner: .guest(vmID: 1))
            let vms = VMTable()
            try vms.register(Stations.deviceState(vmID: 1))
            device = PhysicalDevice(context: ComponentContext(config: config, account: ThreadAccount(component: .device, name: "trust-ucode", stampCapacity: 64,
                                                      stampsEnabled: false, events: []), control: control, tally: Tally()), wiring: wiring, vms: vms,
                               station: Stations.station(vmID: 1), bssid: Stations.bssid, stationVMID: 1,
                               expectedFrames: 64)
            harness = .allocate(byteCount: harnessBytes, alignment: 4096)
            frameLength = FrameFormat.payloadOffset + 100
            FrameFormat.writeHeaders(into: harness, payloadLength: 100, seq: 7, source: Stations.station(vmID: 1),
                                     destination: Stations.peer, bssid: Stations.bssid, kind: .udp)
            FrameFormat.writePayload(into: harness + FrameFormat.payloadOffset, length: 100, seq: 7)
        }

        deinit { harness.deallocate() }

        var harnessAddress: UInt64 { UInt64(UInt(bitPattern: harness)) }

        func harnessSnapshot() -> [UInt8] {
            Array(UnsafeRawBufferPointer(start: harness, count: harnessBytes))
        }

        /// Every flag bit, one at a time and all at once.
        static let flagPatterns: [UInt16] = (0..<16).map { UInt16(1) << UInt16($0) } + [0xFFFF]
    }

    @Test func guestTXDescriptorsNeverReachHostMemoryWhateverTheirFlags() throws {
        let f = try Fixture(direction: .tx)
        let before = f.harnessSnapshot()
        var seq: UInt32 = 0
        var completions = 0
        // Host addresses of the harness's own frame, raw and as if tagged for this VM or VM 2.
        let addresses = [f.harnessAddress, IOMMU.tag(gpa: f.harnessAddress, vmID: 1),
                         IOMMU.tag(gpa: f.harnessAddress, vmID: 2), f.harnessAddress | 1 << 63]
        for flags in Fixture.flagPatterns {
            for addr in addresses {
                f.device.transmit(Descriptor(addr: addr, length: UInt32(f.frameLength), seq: seq, flags: flags,
                                             vmID: 2, kind: .tx))
                seq += 1
                // The guest reaps each completion (its completion ring holds 32).
                while let c = f.rings.completions.tryPop() {
                    #expect(c.status == DropReason.iommuFault.rawValue && c.flags & DescriptorFlag.dropped != 0)
                    completions += 1
                }
            }
        }
        #expect(f.device.delivered == 0, "a frame read from harness memory reached the access point")
        #expect(f.device.drops[Int(DropReason.iommuFault.rawValue)] == Int(seq))
        #expect(f.device.drops[Int(DropReason.translationFault.rawValue)] == 0)
        #expect(f.iommu.faults == Int(seq))
        #expect(f.harnessSnapshot() == before)
        #expect(completions == Int(seq))
        // The same frame in the guest's own RAM, with every flag bit set, goes out as this VM's.
        let gpa = f.rings.txBuffers[0]
        let host = f.memory.hostAddress(gpa: gpa, length: f.frameLength)!
        host.copyMemory(from: f.harness, byteCount: f.frameLength)
        f.device.transmit(Descriptor(addr: gpa, length: UInt32(f.frameLength), seq: 7, flags: 0xFFFF, vmID: 2,
                                     kind: .tx))
        #expect(f.device.delivered == 1)
        #expect(f.device.deliveredBySender[1] == 1 && f.device.deliveredBySender[2] == 0,
                "the device trusted the guest's VM-ID or tag instead of its own domain")
        #expect(f.control.failureMessage == nil)
    }

    @Test func guestRXBuffersNeverMakeTheDeviceWriteHostMemoryWhateverTheirFlags() throws {
        let f = try Fixture(direction: .rx)
        let before = f.harnessSnapshot()
        var posted = 0
        for flags in Fixture.flagPatterns {
            #expect(f.rings.rxFree.push(Descriptor(addr: f.harnessAddress, length: UInt32(f.harnessBytes),
                                                   flags: flags, kind: .rx, bufferID: UInt16(posted))))
            posted += 1
            f.device.receiveStreamFrame()
        }
        #expect(f.harnessSnapshot() == before, "the device wrote a received frame into harness memory")
        #expect(f.device.drops[Int(DropReason.iommuFault.rawValue)] == posted)
        #expect(f.rings.completions.count == 0)
        // A buffer in the guest's RAM takes the next frame.
        let gpa = f.rings.rxBuffers[0]
        #expect(f.rings.rxFree.push(Descriptor(addr: gpa, length: UInt32(GuestRings.bufferBytes), flags: 0xFFFF,
                                               kind: .rx, bufferID: 0)))
        f.device.receiveStreamFrame()
        let c = f.rings.completions.tryPop()
        #expect(c?.kind == DescriptorKind.rxFrame.rawValue && c?.addr == gpa)
        let frame = f.memory.hostAddress(gpa: gpa, length: Int(c?.length ?? 1))!
        guard case .ok = FrameFormat.verify(frame: frame, length: Int(c?.length ?? 0)) else {
            Issue.record("the frame DMAed into the guest's buffer does not verify")
            return
        }
        #expect(f.control.failureMessage == nil)
    }
}
