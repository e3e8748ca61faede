import CVWiFiShim
import Foundation
import Synchronization
import Testing
@testable import DataPaths
import Measurement
import Platform

/// A guest controls every register write, descriptor, address, length and ring index it hands
/// over. Each test feeds the real device model, host driver or μCode one hostile
/// input through the guest's own rings in guest RAM, then checks it was refused, counted under
/// its reason, and that a legitimate packet after it still goes through intact.
@Suite(.serialized) struct HostileGuestTests {
    static let vmID: UInt8 = 1

    /// The vwifi device model of VM 1 over real guest memory (two 4 MiB memslots), real rings,
    /// a recording host-driver entry (what the model hands over in its system call) and a real
    /// socket from the driver's interrupt side; its thread is not started: the test plays the
    /// MMIO bus (a store to the model's register file) and calls the model's TX drain itself.
    final class Fixture: @unchecked Sendable {
        let memory: GuestMemory
        let rings: GuestRings
        let model: DeviceModel
        let control = PipelineControl()
        let tally = Tally()
        let account = ThreadAccount(component: .deviceModel, name: "hostile", stampCapacity: 64,
                                    stampsEnabled: false, events: [])
        let modelSide: Int32
        let driverSide: Int32
        let hostDriver = RecordingHostDriver()
        private(set) var produced: UInt32 = 0

        init(translation: TranslationMode = .software, doorbellCarriesTail: Bool = true) throws {
            memory = try GuestMemory(size: 8 << 20, vmID: HostileGuestTests.vmID, slotSize: 4 << 20)
            rings = try GuestRings(memory: memory, ringSize: 16, rxBuffers: 16)
            var fds: [Int32] = [0, 0]
            let r = fds.withUnsafeMutableBufferPointer { vw_seqpacket_pair($0.baseAddress) }
            #expect(r == 0)
            modelSide = fds[0]
            driverSide = fds[1]
            var config = PathConfig(path: .vwifi)
            config.air = .none
            config.translation = translation
            let translator = translation == .software
                ? try SoftwareTranslator(memory: memory, pageTable: GuestPageTable(memory: memory), pagemap: false)
                : nil
            model = try DeviceModel(context: ComponentContext(config: config, account: account, control: control,
                                                              tally: tally),
                                    vmID: HostileGuestTests.vmID, rings: rings,
                                    completions: CompletionRingSink(rings: rings), translator: translator,
                                    socket: modelSide, hostDriver: hostDriver, line: CountingLine(),
                                    doorbellCarriesTail: doorbellCarriesTail)
        }

        deinit {
            _ = vw_close(modelSide)
            _ = vw_close(driverSide)
        }

        /// Writes a well-formed frame from VM 1's MAC into TX buffer `index`; its descriptor.
        func legitimate(seq: UInt32, buffer index: Int = 0, source: MACAddress? = nil) -> Descriptor {
            let gpa = rings.txBuffers[index]
            let host = memory.hostAddress(gpa: gpa, length: GuestRings.bufferBytes)!
            let payload = 100
            FrameFormat.writeHeaders(into: host, payloadLength: payload, seq: seq,
                                     source: source ?? Stations.station(vmID: HostileGuestTests.vmID),
                                     destination: Stations.peer, bssid: Stations.bssid, kind: .udp)
            FrameFormat.writePayload(into: host + FrameFormat.payloadOffset, length: payload, seq: seq)
            return Descriptor(addr: gpa, length: UInt32(FrameFormat.payloadOffset + payload), seq: seq,
                              kind: .tx, bufferID: UInt16(index))
        }

        /// The guest publishes `d` in its TX ring and rings the doorbell with the new tail; the
        /// model then drains (as its thread does on the kick).
        func send(_ d: Descriptor) {
            #expect(rings.tx.push(d))
            produced &+= 1
            doorbell(tail: produced)
        }

        func doorbell(tail: UInt32) {
            model.guestStore(offset: DeviceModel.txDoorbellOffset, value: UInt64(tail))
            model.drainGuestTX()
        }

        /// The next command the model handed to the host driver, if any.
        func command() -> Descriptor? {
            hostDriver.take()
        }

        /// The next completion the model wrote back into the guest's completion ring, if any.
        func completion() -> Descriptor? { rings.completions.tryPop() }

        /// A legitimate packet after the hostile input reaches the host driver intact: VM 1's
        /// tag, a host address over the very bytes the guest wrote, and the right source MAC.
        func expectLegitimatePacketFlows(seq: UInt32) {
            let d = legitimate(seq: seq, buffer: 1)
            send(d)
            guard let c = command() else {
                Issue.record("the legitimate packet \(seq) after the hostile input never reached the host driver")
                return
            }
            #expect(c.seq == seq && c.vmID == HostileGuestTests.vmID && c.length == d.length)
            if c.flags & DescriptorFlag.hostAddress != 0 {
                let frame = UnsafeRawPointer(bitPattern: UInt(c.addr))!
                #expect(frame == UnsafeRawPointer(memory.hostAddress(gpa: d.addr, length: Int(d.length))!))
                #expect(FrameFormat.sourceMAC(frame: frame) == Stations.station(vmID: HostileGuestTests.vmID))
                #expect(FrameFormat.verifyPayload(frame + FrameFormat.payloadOffset, length: 100).ok)
            } else {
                #expect(c.flags & DescriptorFlag.tagged != 0 && IOMMU.vmID(ofTagged: c.addr) == HostileGuestTests.vmID)
            }
            #expect(control.failureMessage == nil)
        }

        func expectRejected(_ reason: DropReason, seq: UInt32) {
            #expect(model.rejections[Int(reason.rawValue)] == 1)
            #expect(command() == nil, "a refused descriptor must not reach the host driver")
            let c = completion()
            #expect(c?.seq == seq && c?.kind == DescriptorKind.txStatus.rawValue)
            #expect((c?.flags ?? 0) & DescriptorFlag.dropped != 0 && c?.status == reason.rawValue)
        }
    }

    final class CountingLine: VirtualInterruptSink, @unchecked Sendable {
        func inject(seq: UInt32) {}
    }

    /// The host driver's command entry for the fixture: keeps what the model hands over.
    final class RecordingHostDriver: HostDriverEntry, @unchecked Sendable {
        // Sound: the commands are behind a lock (the model's thread submits while a test reads).
        private let recorded = Mutex<[Descriptor]>([])
        func submit(_ command: Descriptor) -> CommandOutcome {
            recorded.withLock { $0.append(command) }
            return .queued
        }
        var kernelAccount: ThreadAccount? { nil }
        /// The oldest command not taken yet.
        func take() -> Descriptor? { recorded.withLock { $0.isEmpty ? nil : $0.removeFirst() } }
        var count: Int { recorded.withLock { $0.count } }
    }

    // MARK: descriptors

    @Test func descriptorGPAOutsideGuestMemoryIsRefused() throws {
        let f = try Fixture()
        var d = f.legitimate(seq: 1)
        d.addr = UInt64(f.memory.size) + 4096  // past the VM's RAM
        f.send(d)
        f.expectRejected(.descriptorOutsideGuestMemory, seq: 1)
        var far = f.legitimate(seq: 2)
        far.addr = 0xFFFF_FFFF_FFFF_F000  // wraps when the length is added
        f.send(far)
        #expect(f.model.rejections[Int(DropReason.descriptorOutsideGuestMemory.rawValue)] == 2)
        _ = f.completion()
        f.expectLegitimatePacketFlows(seq: 3)
    }

    @Test func descriptorSpanningAMemslotEndIsRefused() throws {
        let f = try Fixture()
        #expect(f.memory.slots.count == 2)
        var d = f.legitimate(seq: 1)
        d.addr = UInt64(f.memory.slotSize) - 64  // 64 bytes in slot 0, the rest in slot 1
        d.length = 1024
        f.send(d)
        f.expectRejected(.descriptorOutsideGuestMemory, seq: 1)
        f.expectLegitimatePacketFlows(seq: 2)
    }

    @Test func zeroLengthDescriptorIsRefused() throws {
        let f = try Fixture()
        var d = f.legitimate(seq: 1)
        d.length = 0
        f.send(d)
        f.expectRejected(.descriptorBadLength, seq: 1)
        f.expectLegitimatePacketFlows(seq: 2)
    }

    @Test func oversizedLengthDescriptorIsRefused() throws {
        let f = try Fixture()
        var d = f.legitimate(seq: 1)
        d.length = UInt32.max
        f.send(d)
        f.expectRejected(.descriptorBadLength, seq: 1)
        var justOver = f.legitimate(seq: 2)
        justOver.length = UInt32(GuestRings.bufferBytes + 1)
        f.send(justOver)
        #expect(f.model.rejections[Int(DropReason.descriptorBadLength.rawValue)] == 2)
        _ = f.completion()
        f.expectLegitimatePacketFlows(seq: 3)
    }

    @Test func postedRXBufferOutsideGuestMemoryOrTooShortIsRefused() throws {
        let f = try Fixture()
        let (frame, d) = HostileGuestTests.frame(source: Stations.peer, seq: 9)
        defer { frame.deallocate() }
        let length = Int(d.length)
        #expect(f.rings.rxFree.push(Descriptor(addr: UInt64(f.memory.size), length: 4096, kind: .rx)))
        f.model.deliverRX(d, frame: frame, length: length, since: 0)
        #expect(f.model.rejections[Int(DropReason.descriptorOutsideGuestMemory.rawValue)] == 1)
        #expect(f.rings.rxFree.push(Descriptor(addr: f.rings.rxBuffers[0], length: 8, kind: .rx)))
        f.model.deliverRX(d, frame: frame, length: length, since: 0)
        #expect(f.model.rejections[Int(DropReason.descriptorBadLength.rawValue)] == 1)
        #expect(f.completion() == nil && f.tally.dropped.load(ordering: .relaxed) == 2)
        // An honest buffer gets the frame, byte for byte.
        #expect(f.rings.rxFree.push(Descriptor(addr: f.rings.rxBuffers[1], length: 4096, kind: .rx)))
        f.model.deliverRX(d, frame: frame, length: length, since: 0)
        let c = f.completion()
        #expect(c?.kind == DescriptorKind.rxFrame.rawValue && c?.seq == 9 && c?.addr == f.rings.rxBuffers[1])
        let copied = f.memory.hostAddress(gpa: f.rings.rxBuffers[1], length: length)!
        #expect(memcmp(copied, frame, length) == 0)
    }

    // MARK: ring indices and doorbells

    @Test func producerIndexBeyondTheRingIsRefusedAndNothingOutOfRangeIsRead() throws {
        let f = try Fixture(doorbellCarriesTail: false)  // the model takes what the ring holds
        // The guest writes a producer index a million slots ahead into its ring header.
        let header = f.rings.tx.memory.assumingMemoryBound(to: UInt32.self)
        vw_store_release_u32(header, 1_000_000)
        f.model.drainGuestTX()
        #expect(f.rings.tx.rejectedProducerIndices == 1)
        #expect(f.model.ringIndicesOutOfRange == 1)
        #expect(f.command() == nil && f.completion() == nil)
        #expect(f.model.commands == 0 && f.model.rejected == 0)
        // An index behind the consumer is refused the same way.
        vw_store_release_u32(header, 0xFFFF_FFF0)
        f.model.drainGuestTX()
        #expect(f.rings.tx.rejectedProducerIndices == 2)
        // The guest repairs its index: the ring works again.
        vw_store_release_u32(header, 0)
        #expect(f.rings.tx.push(f.legitimate(seq: 7, buffer: 1)))
        f.model.drainGuestTX()
        #expect(f.command()?.seq == 7)
        #expect(f.control.failureMessage == nil)
    }

    @Test func doorbellTailBeyondTheRingIsRefused() throws {
        let f = try Fixture()
        #expect(f.rings.tx.push(f.legitimate(seq: 1)))
        f.doorbell(tail: 5_000)  // one descriptor published, 5,000 announced
        #expect(f.model.ringIndicesOutOfRange == 1)
        #expect(f.command() == nil, "nothing is taken on a hostile tail's word")
        f.doorbell(tail: 1)  // the honest doorbell picks up what was really published
        #expect(f.command()?.seq == 1)
        #expect(f.model.ringIndicesOutOfRange == 1)
    }

    @Test func doorbellFloodIsCountedAndHarmless() throws {
        let f = try Fixture()
        let thread = try OSThread.start(name: "vw-test-model") { _ in f.model.run() }
        // 5,000 doorbells announcing nothing new, through the real eventfd kick and model thread.
        for _ in 0..<5_000 {
            f.model.guestStore(offset: DeviceModel.txDoorbellOffset, value: 0)
        }
        // Then one real packet.
        #expect(f.rings.tx.push(f.legitimate(seq: 1)))
        f.model.guestStore(offset: DeviceModel.txDoorbellOffset, value: 1)
        let deadline = vw_monotonic_ns() + 10_000_000_000
        while f.hostDriver.count == 0 && vw_monotonic_ns() < deadline { _ = vw_sleep_until_ns(vw_monotonic_ns() + 1_000_000) }
        let c = f.command()
        f.control.stop()
        f.model.kick.signal(1)
        thread.join()
        #expect(c?.seq == 1 && c?.vmID == HostileGuestTests.vmID)
        #expect(f.model.doorbells >= 1 && f.model.doorbells <= 5_001)
        #expect(f.model.spuriousDoorbells == f.model.doorbells - 1)
        #expect(f.model.commands == 1 && f.model.rejected == 0)
        #expect(f.control.failureMessage == nil)
    }

    // MARK: registers

    @Test func writesToUndefinedRegistersAreCountedAndIgnored() throws {
        let f = try Fixture()
        for offset: UInt64 in [0, 0x2C, 0x34, 0x31, DeviceModel.mmioLength - 1] {
            f.model.guestStore(offset: offset, value: 0xDEAD_BEEF_DEAD_BEEF)
        }
        f.model.guestStore(offset: DeviceModel.txDoorbellOffset, value: 1, width: 8)  // the doorbell is 32 bits wide
        f.model.drainGuestTX()
        #expect(f.model.undefinedRegisterWrites == 6)
        #expect(f.command() == nil && f.completion() == nil)
        #expect(f.model.ringIndicesOutOfRange == 0, "a garbage write is not a doorbell")
        var readBack: UInt32 = 0xFFFF_FFFF
        withUnsafeMutableBytes(of: &readBack) { f.model.read(offset: DeviceModel.txDoorbellOffset, data: $0) }
        #expect(readBack == 0 && f.model.undefinedRegisterReads == 1, "no register reads back anything but zeros")
        f.expectLegitimatePacketFlows(seq: 1)
    }

    @Test func cleanRunReportsNoHostileInputReasons() throws {
        var c = PathConfig(path: .vwifi)
        c.packets = 50
        c.warmupPackets = 5
        c.air = .none
        c.trap = .thread
        c.counters = ["perf::TASK-CLOCK"]
        let r = try PipelineExecutor().run(c, control: RunControl())
        for name in ["undefined_register_writes", "undefined_register_reads", "ring_index_out_of_range",
                     "descriptor_bad_length", "descriptor_outside_guest_memory", "command_vm_id_not_senders",
                     "tx_source_mac_not_vms", "iommu_fault"] {
            #expect(r.drops[name] == nil, "\(name) in a clean run")
        }
        #expect(r.summary.packetsDelivered == 50)
    }

    @Test func registerGarbageAndKickFloodDuringARealRunLeaveTheTrafficIntact() throws {
        var c = PathConfig(path: .vwifi)
        c.packets = 300
        c.warmupPackets = 10
        c.air = .none
        c.trap = .thread
        c.counters = ["perf::TASK-CLOCK"]
        var executor = PipelineExecutor()
        // While the real pipeline runs: 2,000 writes to undefined offsets of the device and
        // 2,000 kicks of the device model with nothing new in the ring (a doorbell flood).
        executor.afterStart = { pipeline in
            guard let model = pipeline.deviceModel else { return }
            for i in 0..<2_000 {
                model.guestStore(offset: 0x100 + UInt64(i % 64) * 4, value: UInt64(i))
                model.kick.signal(1)
            }
        }
        let r = try executor.run(c, control: RunControl())
        #expect(r.summary.packetsSent == 300)
        #expect(r.summary.packetsDelivered == 300)
        #expect(r.summary.packetsDropped == 0)
        #expect(r.drops["undefined_register_writes"] == 2_000)
        #expect(r.warnings.allSatisfy { !$0.contains("conservation") })
    }

    // MARK: host driver: VM-ID and source MAC; another VM's traffic is untouched

    final class TwoVMDriver: @unchecked Sendable {
        let queues: HostDeviceQueues
        /// VM 1's and VM 2's command ports (each on its own device TX queue), as each VM's device
        /// model calls them in its system call.
        let ports: [CommandPort]
        let driver: AugmentedHostDriver
        let control = PipelineControl()
        /// [vm][0] device-model side, [vm][1] host-driver side (the interrupt context's answers).
        var sockets: [[Int32]] = []

        init() throws {
            queues = try HostDeviceQueues(ringSize: 16, rxBuffers: 4, txQueueCount: 2)
            var pairs: [[Int32]] = []
            for _ in 0..<2 {
                var fds: [Int32] = [0, 0]
                _ = fds.withUnsafeMutableBufferPointer { vw_seqpacket_pair($0.baseAddress) }
                pairs.append(fds)
            }
            sockets = pairs
            let account = { (name: String) in
                ThreadAccount(component: .hostDriver, name: name, stampCapacity: 64, stampsEnabled: false, events: [])
            }
            let device = queues
            ports = try (0..<2).map { i in
                try CommandPort(vm: AttachedVM(vmID: UInt8(i + 1), socket: pairs[i][1], mac: Stations.station(vmID: UInt8(i + 1))),
                                queueIndex: i, device: device, account: account("hostile-port\(i + 1)"))
            }
            driver = AugmentedHostDriver(
                context: ComponentContext(config: PathConfig(path: .vwifi), account: account("hostile-hd"),
                                          control: control, tally: Tally()),
                device: queues, ports: ports)
        }

        deinit { for pair in sockets { for fd in pair { _ = vw_close(fd) } } }

        /// VM `index`'s device model hands the driver `d` (its system call); the call's answer.
        @discardableResult
        func send(_ d: Descriptor, fromVM index: Int) -> CommandOutcome { ports[index].submit(d) }
    }

    /// A frame in host memory (what the device model's software translation hands over).
    static func frame(source: MACAddress, seq: UInt32) -> (UnsafeMutableRawPointer, Descriptor) {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 64)
        FrameFormat.writeHeaders(into: buffer, payloadLength: 100, seq: seq, source: source,
                                 destination: Stations.peer, bssid: Stations.bssid, kind: .udp)
        FrameFormat.writePayload(into: buffer + FrameFormat.payloadOffset, length: 100, seq: seq)
        let d = Descriptor(addr: UInt64(UInt(bitPattern: buffer)), length: UInt32(FrameFormat.payloadOffset + 100),
                           seq: seq, flags: DescriptorFlag.hostAddress, vmID: 0, kind: .tx)
        return (buffer, d)
    }

    @Test func commandNamingAnotherVMsIDIsRefusedAndThatVMCarriesOn() throws {
        let h = try TwoVMDriver()
        // The guest never chooses its VM-ID: the device model overwrites whatever it wrote.
        let f = try Fixture()
        var forged = f.legitimate(seq: 1)
        forged.vmID = 2
        f.send(forged)
        #expect(f.command()?.vmID == HostileGuestTests.vmID)
        // A command reaching the driver through VM 1's port but naming VM 2 (a compromised
        // device model) is refused, answered to VM 1's call only.
        let (b1, hostile) = Self.frame(source: Stations.station(vmID: 2), seq: 10)
        defer { b1.deallocate() }
        var tagged2 = hostile
        tagged2.vmID = 2
        #expect(h.send(tagged2, fromVM: 0) == .refused(.commandVMIDNotSenders))
        // VM 2's own legitimate command through its own port.
        let (b2, legit) = Self.frame(source: Stations.station(vmID: 2), seq: 20)
        defer { b2.deallocate() }
        var own = legit
        own.vmID = 2
        #expect(h.send(own, fromVM: 1) == .queued)
        // And the same with IOMMU tags: VM 2's window tagged through VM 1's port.
        #expect(h.send(Descriptor(addr: IOMMU.tag(gpa: 0x1000, vmID: 2), length: 160, seq: 11,
                                  flags: DescriptorFlag.tagged, vmID: 1, kind: .tx), fromVM: 0)
                == .refused(.commandVMIDNotSenders))
        #expect(h.driver.rejections[Int(DropReason.commandVMIDNotSenders.rawValue)] == 2)
        #expect(h.ports[0].rejected == 2 && h.ports[1].rejected == 0)
        #expect(h.driver.commandsQueued == 1)
        #expect(h.queues.txQueues[0].tryPop() == nil, "VM 1's queue holds nothing of the forgeries")
        let queued = h.queues.txQueues[1].tryPop()
        #expect(queued?.seq == 20 && queued?.vmID == 2)
        var message = Descriptor()
        let n = withUnsafeMutableBytes(of: &message) { vw_recv(h.sockets[1][0], $0.baseAddress, $0.count, 1) }
        #expect(n < 0, "VM 2 hears nothing of VM 1's forgery")
    }

    @Test func frameWithAnotherSourceMACIsRefusedByTheHostDriver() throws {
        let h = try TwoVMDriver()
        let (b1, spoofed) = Self.frame(source: Stations.station(vmID: 2), seq: 1)  // VM 2's MAC from VM 1
        defer { b1.deallocate() }
        var fromVM1 = spoofed
        fromVM1.vmID = 1
        #expect(h.send(fromVM1, fromVM: 0) == .refused(.txSourceMACNotVMs))
        let (b2, honest) = Self.frame(source: Stations.station(vmID: 1), seq: 2)
        defer { b2.deallocate() }
        var honest1 = honest
        honest1.vmID = 1
        #expect(h.send(honest1, fromVM: 0) == .queued)
        let (b3, other) = Self.frame(source: Stations.station(vmID: 2), seq: 3)
        defer { b3.deallocate() }
        var vm2 = other
        vm2.vmID = 2
        #expect(h.send(vm2, fromVM: 1) == .queued)
        #expect(h.driver.rejections[Int(DropReason.txSourceMACNotVMs.rawValue)] == 1)
        #expect(h.driver.commandsQueued == 2)
        #expect(h.queues.txQueues[0].tryPop()?.seq == 2)
        #expect(h.queues.txQueues[1].tryPop()?.seq == 3)
    }

    @Test func aFullDeviceQueueHoldsTheCommandAndOtherVMsQueuesStillTakeTheirs() throws {
        let h = try TwoVMDriver()
        let (b, d) = Self.frame(source: Stations.station(vmID: 1), seq: 1)
        defer { b.deallocate() }
        var c = d
        c.vmID = 1
        let capacity = h.queues.txQueues[0].capacity
        for _ in 0..<capacity { #expect(h.send(c, fromVM: 0) == .queued) }
        #expect(h.send(c, fromVM: 0) == .deviceQueueFull)
        #expect(h.ports[0].deviceQueueFullWaits == 1)
        let (b2, d2) = Self.frame(source: Stations.station(vmID: 2), seq: 2)
        defer { b2.deallocate() }
        var c2 = d2
        c2.vmID = 2
        #expect(h.send(c2, fromVM: 1) == .queued, "VM 1 filling its queue does not block VM 2's")
    }

    // MARK: IOMMU: DMA outside the VM's window

    @Test func iommuDMAOutsideTheVMsWindowFaultsAndLaterFramesGo() throws {
        var config = PathConfig(path: .vwifi)
        config.air = .none
        config.translation = .iommu
        config.warmupPackets = 0
        config.packets = 4
        let memory = try GuestMemory(size: 8 << 20, vmID: 1)
        let iommu = IOMMU()
        iommu.attach(memory: memory)
        let queues = try HostDeviceQueues(ringSize: 16, rxBuffers: 4)
        let vms = VMTable()
        try vms.register(Stations.deviceState(vmID: 1))
        let control = PipelineControl()
        let ucode = PhysicalDevice(context: ComponentContext(config: config, account: ThreadAccount(component: .device, name: "hostile-ucode", stampCapacity: 64,
                                                     stampsEnabled: false, events: []), control: control, tally: Tally()), wiring: queues.wiring(iommu: iommu),
                              vms: vms, station: Stations.station(vmID: 1), bssid: Stations.bssid,
                              stationVMID: 1, expectedFrames: 8)
        // Tagged GPAs the guest controls: past its RAM, and one reaching into VM 2's window.
        ucode.transmit(Descriptor(addr: IOMMU.tag(gpa: UInt64(memory.size) + 4096, vmID: 1), length: 160, seq: 1,
                                  flags: DescriptorFlag.tagged, kind: .tx))
        ucode.transmit(Descriptor(addr: IOMMU.tag(gpa: IOMMU.windowBytes - 64, vmID: 1), length: 160, seq: 2,
                                  flags: DescriptorFlag.tagged, kind: .tx))
        #expect(ucode.drops[Int(DropReason.iommuFault.rawValue)] == 2)
        // A legitimate frame in the VM's RAM, then one with another VM's source MAC.
        let gpa = try memory.allocate(bytes: 4096, alignment: 4096)
        let host = memory.hostAddress(gpa: gpa, length: 4096)!
        FrameFormat.writeHeaders(into: host, payloadLength: 100, seq: 3, source: Stations.station(vmID: 1),
                                 destination: Stations.peer, bssid: Stations.bssid, kind: .udp)
        FrameFormat.writePayload(into: host + FrameFormat.payloadOffset, length: 100, seq: 3)
        let length = UInt32(FrameFormat.payloadOffset + 100)
        ucode.transmit(Descriptor(addr: IOMMU.tag(gpa: gpa, vmID: 1), length: length, seq: 3,
                                  flags: DescriptorFlag.tagged, kind: .tx))
        #expect(ucode.delivered == 1)
        FrameFormat.writeHeaders(into: host, payloadLength: 100, seq: 4, source: Stations.station(vmID: 2),
                                 destination: Stations.peer, bssid: Stations.bssid, kind: .udp)
        FrameFormat.writePayload(into: host + FrameFormat.payloadOffset, length: 100, seq: 4)
        ucode.transmit(Descriptor(addr: IOMMU.tag(gpa: gpa, vmID: 1), length: length, seq: 4,
                                  flags: DescriptorFlag.tagged, kind: .tx))
        #expect(ucode.drops[Int(DropReason.txSourceMACNotVMs.rawValue)] == 1)
        #expect(ucode.delivered == 1)
        var statuses: [UInt16] = []
        while let c = queues.completions.tryPop() { statuses.append(c.status) }
        #expect(statuses == [DropReason.iommuFault.rawValue, DropReason.iommuFault.rawValue, 0,
                             DropReason.txSourceMACNotVMs.rawValue])
        #expect(control.failureMessage == nil)
    }
}
