import CVWiFiShim
import Foundation
import Synchronization
import Testing
@testable import DataPaths
import Platform

/// Several VMs in one vwifi pipeline (`--vms`): each has its own guest thread, memory, rings,
/// device model, VM-ID and MAC; they share the augmented host driver and the μCode's one radio.
@Suite(.serialized) struct MultiVMTests {
    static func config(vms: Int = 2, packets: Int = 300, air: AirModel = .ieee80211g) -> PathConfig {
        var c = PathConfig(path: .vwifi)
        c.vms = vms
        c.packets = packets
        c.warmupPackets = 20
        c.air = air
        c.trap = .thread
        c.counters = ["perf::TASK-CLOCK"]
        return c
    }

    @Test(arguments: [TranslationMode.software, .iommu])
    func twoVMsDeliverEverythingAndShareTheRadiosAirLimit(_ translation: TranslationMode) throws {
        var c = Self.config()
        c.translation = translation
        let r = try PipelineExecutor().run(c, control: RunControl())
        #expect(r.summary.vms == 2)
        #expect(r.summary.packetsSent == 600)
        #expect(r.summary.packetsDelivered == 600)
        #expect(r.summary.packetsDropped == 0)
        #expect(r.deliveredByVM == ["vm1": 300, "vm2": 300])
        #expect(r.drops.isEmpty, "\(r.drops)")
        #expect(!r.warnings.contains { $0.contains("conservation") }, "\(r.warnings)")
        // One radio: both VMs' frames went over the one medium, whose exchanges never overlap.
        let air = try #require(r.air)
        #expect(air.frames == 600)
        #expect(air.utilization > 0 && air.utilization <= 1)
        #expect(r.summary.goodputMbps > 0)
        let split = (r.goodputByVMMbps["vm1"] ?? 0, r.goodputByVMMbps["vm2"] ?? 0)
        #expect(split.0 > 0 && split.1 > 0)
        // Each VM's traffic went through its own device model and exit handler.
        #expect(r.summary.exits >= 600)
        #expect(r.summary.interruptsVirtual > 0)
        // Nothing allocates per packet, the air-paced μCode included (a filter() in the air-time
        // model allocated ~8 times per frame). A rare one-off of 1-3 allocations in the device
        // model or μCode thread predates this test (seen on the base commit too): tolerated.
        for (thread, count) in r.allocations { #expect(count < 10, "\(thread) allocated \(count) times in the measured region") }
    }

    @Test func fourVMsWithoutAirAllDeliver() throws {
        let r = try PipelineExecutor().run(Self.config(vms: 4, packets: 200, air: .none), control: RunControl())
        #expect(r.deliveredByVM == ["vm1": 200, "vm2": 200, "vm3": 200, "vm4": 200])
        #expect(r.summary.packetsDelivered == 800 && r.summary.packetsDropped == 0)
    }

    @Test func severalVMsAreValidated() throws {
        var c = PathConfig(path: .vwifi)
        #expect(throws: ConfigError.self) { try c.set("vms", to: "5") }
        #expect(throws: ConfigError.self) { try c.set("vms", to: "0") }
        try c.set("vms", to: "2")
        #expect(c.vms == 2)
        try c.validate()
        var native = PathConfig(path: .native)
        native.vms = 2
        #expect { try native.validate() } throws: { ($0 as? ConfigError)?.field == "vms" }
        var ping = c
        ping.workload = .ping
        #expect { try ping.validate() } throws: { ($0 as? ConfigError)?.field == "vms" }
        var kvm = c
        kvm.trap = .kvm
        try kvm.validate()
        // auto runs several VMs on KVM (one VM fd and vCPU thread each) where KVM works.
        c.trap = .auto
        let decision = try TrapBackendDecision.decide(c)
        #expect(decision.backend == (KVMBackendHere.usable ? .kvm : .thread), "\(decision.reason)")
    }

    @Test(.enabled(if: KVMBackendHere.usable, "the kvm trap backend cannot run here: \(KVMBackendHere.why)"))
    func severalVMsRunOnKVMEachOnItsOwnVCPUThread() throws {
        var c = Self.config(vms: 3, packets: 200, air: .none)
        c.trap = .kvm
        let r = try PipelineExecutor().run(c, control: RunControl())
        #expect(r.summary.trapBackend == "kvm")
        #expect(r.deliveredByVM == ["vm1": 200, "vm2": 200, "vm3": 200], "\(r.deliveredByVM)")
        #expect(r.summary.packetsSent == 600 && r.summary.packetsDelivered == 600 && r.summary.packetsDropped == 0)
        #expect(!r.warnings.contains { $0.contains("conservation") || $0.contains("KVM guest") }, "\(r.warnings)")
        // The vCPU threads' time is split into guest and hypervisor shares.
        #expect(r.cpu.contains { $0.component == .guest } && r.cpu.contains { $0.component == .hypervisor })
        #expect(r.trapReason.contains("vw-guest"))
        #expect(r.summary.exits >= 540)
    }
}

/// VM 2 is hostile while VM 1 sends its packets through the same host driver and radio
///. VM 2's guest thread is parked from the start (the executor's `beforeStart`
/// seam); the test then is VM 2's driver, writing into VM 2's own rings in VM 2's RAM and
/// trapping through VM 2's own exit handler, exactly where a compromised guest kernel would.
/// Afterwards VM 2's honest driver resumes and sends its packets too.
@Suite(.serialized) struct HostileSecondVMTests {
    final class Box: @unchecked Sendable {
        // Sound: written by the executor's thread in the seams, read by the test after `run`.
        var pipeline: Pipeline?
        var statuses: [UInt32: UInt16] = [:]
        var canary: UnsafeMutableRawPointer?
        var timedOut = false
    }

    /// A frame in VM 2's TX buffer `index`; its descriptor (with whatever the guest claims).
    static func frame(_ vm: Pipeline.VirtualMachine, buffer index: Int, seq: UInt32, source: MACAddress,
                      claimedVMID: UInt8) -> Descriptor {
        let gpa = vm.rings.txBuffers[index]
        let host = vm.memory.hostAddress(gpa: gpa, length: GuestRings.bufferBytes)!
        FrameFormat.writeHeaders(into: host, payloadLength: 100, seq: seq, source: source,
                                 destination: Stations.peer, bssid: Stations.bssid, kind: .udp)
        FrameFormat.writePayload(into: host + FrameFormat.payloadOffset, length: 100, seq: seq)
        return Descriptor(addr: gpa, length: UInt32(FrameFormat.payloadOffset + 100), seq: seq,
                          vmID: claimedVMID, kind: .tx, bufferID: UInt16(index))
    }

    @Test func hostileVM2NeitherReachesVM1sTrafficNorItsMemory() throws {
        var c = MultiVMTests.config(packets: 200)
        c.ringSize = 64
        let box = Box()
        var executor = PipelineExecutor()
        executor.stallSeconds = 5
        executor.beforeStart = { p in
            box.pipeline = p
            p.control.hold(p.machines[1].guest!.account)
            // A canary page in VM 1's RAM that VM 2 will point a descriptor at by host address.
            let vm1 = p.machines[0]
            let gpa = try! vm1.memory.allocate(bytes: 4096, alignment: 4096)
            let canary = vm1.memory.hostAddress(gpa: gpa, length: 4096)!
            canary.initializeMemory(as: UInt8.self, repeating: 0xA5, count: 4096)
            box.canary = canary
        }
        executor.afterStart = { p in
            let vm1 = p.machines[0], vm2 = p.machines[1]
            let trap = vm2.trap!
            let doorbellAddress = DeviceModel.mmioBase + DeviceModel.txDoorbellOffset
            let ownSpace = UInt32(p.expectedFrames) + 200 + 5  // VM 2's sequence space, past its honest packets
            func send(_ d: Descriptor) {
                _ = vm2.rings.tx.push(d)
                trap.write(address: doorbellAddress, value: UInt64(vm2.rings.tx.producerPosition), width: 4, seq: d.seq)
            }
            // 1. VM 1's ID and VM 1's MAC: the model puts VM 2's ID back, the host driver sees the MAC.
            send(Self.frame(vm2, buffer: 0, seq: 9_001, source: Stations.station(vmID: 1), claimedVMID: 1))
            // 2. VM 1's ID with VM 2's own MAC: goes out, as VM 2's frame, never as VM 1's.
            send(Self.frame(vm2, buffer: 1, seq: ownSpace, source: Stations.station(vmID: 2), claimedVMID: 1))
            // 3. A GPA past VM 2's RAM.
            var outside = Self.frame(vm2, buffer: 2, seq: 9_003, source: Stations.station(vmID: 2), claimedVMID: 2)
            outside.addr = UInt64(vm2.memory.size) + 4096
            send(outside)
            // 4. VM 1's canary page by its host address, flagged as a host address.
            var intoVM1 = Self.frame(vm2, buffer: 3, seq: 9_004, source: Stations.station(vmID: 2), claimedVMID: 1)
            intoVM1.addr = UInt64(UInt(bitPattern: box.canary!))
            intoVM1.flags = DescriptorFlag.hostAddress
            send(intoVM1)
            // 5. Zero length.
            var empty = Self.frame(vm2, buffer: 4, seq: 9_005, source: Stations.station(vmID: 2), claimedVMID: 2)
            empty.length = 0
            send(empty)
            // Garbage register writes, accesses no device covers, a doorbell flood and a
            // doorbell tail far beyond the ring.
            for i in 0..<100 {
                trap.write(address: DeviceModel.mmioBase + 0x100 + UInt64(i % 32) * 8, value: 0xDEAD_BEEF, width: 8, seq: 0)
            }
            for i in 0..<10 { trap.write(address: 0xDEAD_0000 + UInt64(i) * 4, value: 1, width: 4, seq: 0) }
            let tail = UInt64(vm2.rings.tx.producerPosition)
            for _ in 0..<500 { trap.write(address: doorbellAddress, value: tail, width: 4, seq: 0) }
            trap.write(address: doorbellAddress, value: tail + 10_000, width: 4, seq: 0)
            // The doorbell is a register (the latest write wins): wait until the model has read
            // the hostile tail before VM 2's honest driver rings again.
            let refusedBy = vw_monotonic_ns() + 5_000_000_000
            while vm2.model.doorbellTailsRefused.load(ordering: .relaxed) == 0 && vw_monotonic_ns() < refusedBy { usleep(200) }
            // VM 2 (the test) reaps its five completions, then its honest driver resumes.
            let deadline = vw_monotonic_ns() + 5_000_000_000
            while box.statuses.count < 5 && vw_monotonic_ns() < deadline {
                if let d = vm2.rings.completions.tryPop() { box.statuses[d.seq] = d.status } else { usleep(500) }
            }
            box.timedOut = box.statuses.count < 5
            _ = vm1
            p.control.release()
        }
        let r = try executor.run(c, control: RunControl())
        let p = try #require(box.pipeline)
        let vm1 = p.machines[0], vm2 = p.machines[1]
        #expect(!box.timedOut, "VM 2's hostile descriptors were not all completed: \(box.statuses)")

        // VM 1: every packet delivered intact (the access point verified sequence numbers and
        // checksums; a corrupt or duplicate frame would have failed the run), none dropped.
        #expect(r.deliveredByVM["vm1"] == 200)
        #expect(vm1.guest!.txCompleted == 200 && vm1.guest!.txDroppedByDevice == 0)
        #expect(vm1.model.rejected == 0 && vm1.model.undefinedRegisterWrites == 0 && vm1.model.ringIndicesOutOfRange == 0)
        #expect(vm1.exitHandler!.unroutedExits == 0)
        // VM 1's memory: the descriptor aimed at the canary was refused before any DMA (status
        // 9_004 below) and the page is unchanged.
        let canary = try #require(box.canary)
        #expect((0..<4096).allSatisfy { canary.load(fromByteOffset: $0, as: UInt8.self) == 0xA5 })

        // VM 2: refused and counted by reason; its honest packets afterwards all went.
        #expect(box.statuses[9_001] == DropReason.txSourceMACNotVMs.rawValue)
        #expect(box.statuses[9_003] == DropReason.descriptorOutsideGuestMemory.rawValue)
        #expect(box.statuses[9_004] == DropReason.descriptorOutsideGuestMemory.rawValue)
        #expect(box.statuses[9_005] == DropReason.descriptorBadLength.rawValue)
        #expect(box.statuses[UInt32(p.expectedFrames) + 205] == DropReason.none.rawValue)
        #expect(r.deliveredByVM["vm2"] == 201, "VM 2's 200 honest packets and its own frame with a forged ID field")
        #expect(vm2.guest!.txCompleted == 200 && vm2.guest!.txDroppedByDevice == 0)
        #expect(r.drops["tx_source_mac_not_vms"] == 1)
        #expect(r.drops["descriptor_outside_guest_memory"] == 2)
        #expect(r.drops["descriptor_bad_length"] == 1)
        #expect(r.drops["undefined_register_writes"] == 100)
        #expect(r.drops["ring_index_out_of_range"] == 1)
        #expect(r.exits.first { $0.reason == "unrouted" }?.count == 10)
        #expect(vm2.model.spuriousDoorbells >= 1)
        #expect(p.control.failureMessage == nil)
        #expect(p.augmentedDriver!.rejections[Int(DropReason.commandVMIDNotSenders.rawValue)] == 0,
                "the device model, not the guest, sets the VM-ID: no forged ID reaches the host driver")
    }
}
