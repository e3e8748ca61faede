import CVWiFiShim
import Glibc
import Foundation
import Measurement
import Testing
@testable import VMM

enum KVMHere {
    static let availability = KVMProbe.check()
    static var usable: Bool { availability.usable }
}

/// Guest RAM for one test: an anonymous mapping released at the end.
final class TestRAM {
    let ram: GuestRAM
    let size: Int
    init(size: Int = 16 << 20) throws {
        var err: Int32 = 0
        guard let memory = vw_mmap_anonymous(size, 0, &err) else { throw VMMError("mmap: errno \(err)") }
        self.size = size
        ram = GuestRAM(base: memory, size: UInt64(size))
    }
    deinit { _ = vw_munmap(ram.base, size) }
}

@Suite struct KVMProbeTests {
    @Test func missingDeviceFallsBackWithItsReason() {
        let availability = KVMProbe.check(device: "/nonexistent/kvm")
        #expect(!availability.usable)
        #expect(availability.reason.contains("/nonexistent/kvm"))
        #expect(availability.reason.contains("No such file"))
        #expect(availability.apiVersion == nil)
        #expect(availability.description.contains("unusable"))
    }

    @Test func creatingAVMOnAMissingDeviceNamesTheDeviceAndErrno() throws {
        let memory = try TestRAM(size: 4 << 20)
        #expect { _ = try KVMVirtualMachine(device: "/nonexistent/kvm", ram: memory.ram) } throws: {
            guard let error = $0 as? VMMError else { return false }
            return error.errno == .noSuchFileOrDirectory && error.message.contains("/nonexistent/kvm")
        }
    }

    @Test(.enabled(if: KVMHere.usable, "/dev/kvm cannot run a CPL3 long-mode guest here: \(KVMHere.availability.reason)"))
    func probeRunsATinyGuestAndReportsCapabilities() {
        let availability = KVMHere.availability
        #expect(availability.apiVersion == 12)
        #expect(availability.capabilities["IOEVENTFD", default: 0] > 0)
        #expect(availability.capabilities["IMMEDIATE_EXIT", default: 0] > 0)
        #expect(availability.module != nil)
        #expect(availability.interruptMechanism == InterruptMechanism.pendingFlag.rawValue)
        #expect((availability.probeExitCycles ?? 0) > 0)
    }
}

@Suite(.serialized, .enabled(if: KVMHere.usable, "/dev/kvm cannot run a CPL3 long-mode guest here: \(KVMHere.availability.reason)"))
struct GuestDriverRunnerTests {
    struct Outcome {
        let report: GuestRunReport
        let device: FakeTXDevice
        let runner: GuestDriverRunner
        let parameters: GuestDriverParameters
    }

    func send(_ packets: Int, mode: DoorbellMode, bufferCount: Int = 16, payload: Int = 1450, syncRegisters: Bool = true,
              memory: TestRAM) throws -> Outcome {
        let layout = GuestLayout(memorySize: memory.ram.size)
        let parameters = GuestDriverParameters.standard(layout: layout, packetCount: packets, payloadLength: payload,
                                                        bufferCount: bufferCount, ringCapacity: 32)
        let vm = try KVMVirtualMachine(ram: memory.ram)
        let device = FakeTXDevice(ram: memory.ram, parameters: parameters, mode: mode)
        let bus = MMIOBus()
        try bus.insert(device, base: parameters.doorbellAddress, length: 4)
        let runner = try GuestDriverRunner(vm: vm, layout: layout, parameters: parameters, bus: bus,
                                           doorbellMode: mode, doorbellEventFD: device.doorbellFD, useSyncRegisters: syncRegisters)
        #expect(runner.vcpu.syncRegisters == (syncRegisters && KVMHere.availability.capabilities["SYNC_REGS", default: 0] & 1 != 0))
        device.start(interruptLine: runner.interruptLine)
        defer { device.shutdown() }
        let report = try runner.run(waitTimeoutNanoseconds: 5_000_000_000)
        return Outcome(report: report, device: device, runner: runner, parameters: parameters)
    }

    @Test func exitDoorbellGivesOneMMIOExitPerPacketWithIntactPayloadsAndOrderedStamps() throws {
        let memory = try TestRAM()
        let packets = 300
        let outcome = try send(packets, mode: .exit, memory: memory)
        let report = outcome.report, runner = outcome.runner
        #expect(outcome.device.failures.isEmpty, "\(outcome.device.failures.prefix(5))")
        #expect(report.packetsSent == packets)
        #expect(report.packetsReclaimed == packets)
        #expect(report.doorbellExits == packets)
        #expect(runner.statistics.count(.mmioWrite) == packets)
        #expect(outcome.device.doorbellWrites.load(ordering: .relaxed) == packets)
        #expect(report.badCompletionStatus == 0)
        #expect(report.unknownMMIOAccesses == 0)
        #expect(report.interruptMechanism == .pendingFlag)
        #expect(report.isrEntriesByHost + report.isrPolledByGuest > 0)
        #expect(runner.statistics.count(.pioOut) >= 1)   // at least the done port
        var disorder: [String] = []
        for seq in 0..<packets {
            let fill = runner.guestStamp(seq: seq, .fill), doorbell = runner.guestStamp(seq: seq, .doorbell)
            let resumed = runner.guestStamp(seq: seq, .resumed), reclaimed = runner.guestStamp(seq: seq, .reclaimed)
            let hostExit = runner.hostDoorbellExitStamps[seq], handled = runner.hostDoorbellHandledStamps[seq]
            if !(fill > 0 && fill <= doorbell && doorbell < hostExit && hostExit <= handled && handled < resumed && handled < reclaimed) {
                disorder.append("seq \(seq): fill \(fill) doorbell \(doorbell) hostExit \(hostExit) handled \(handled) resumed \(resumed) reclaimed \(reclaimed)")
            }
        }
        #expect(disorder.isEmpty, "\(disorder.prefix(3))")
        print(Self.describe(report, runner: runner, packets: packets))
    }

    @Test func ioeventfdDoorbellAbsorbsEveryWriteInTheKernel() throws {
        let memory = try TestRAM()
        let packets = 300
        let outcome = try send(packets, mode: .ioeventfd, memory: memory)
        let report = outcome.report, runner = outcome.runner
        #expect(outcome.device.failures.isEmpty, "\(outcome.device.failures.prefix(5))")
        #expect(report.packetsSent == packets)
        #expect(report.packetsReclaimed == packets)
        #expect(report.doorbellExits == 0)
        #expect(runner.statistics.count(.mmioWrite) == 0)
        #expect(runner.statistics.count(.mmioRead) == 0)
        #expect(outcome.device.doorbellWrites.load(ordering: .relaxed) == 0)
        // The worker may still hold the last signals when the guest finishes: drain them.
        var rest: UInt64 = 0
        let drained = vw_poll_readable(outcome.device.doorbellFD, 0) == 1 && vw_eventfd_wait(outcome.device.doorbellFD, &rest) == 0 ? Int(rest) : 0
        #expect(outcome.device.eventfdCount.load(ordering: .relaxed) + drained == packets)
        for seq in 0..<packets {
            #expect(runner.guestStamp(seq: seq, .doorbell) < runner.guestStamp(seq: seq, .resumed))
        }
        print(Self.describe(report, runner: runner, packets: packets))
    }

    /// Both ways of entering the ISR: registers through kvm_run (sync regs) and through ioctls.
    @Test(arguments: [DoorbellMode.exit, .ioeventfd], [true, false])
    func twoBuffersForceAWaitOrInterruptPerPacketWithoutLosingAny(mode: DoorbellMode, syncRegisters: Bool) throws {
        let memory = try TestRAM()
        let packets = 400
        let outcome = try send(packets, mode: mode, bufferCount: 2, payload: 64, syncRegisters: syncRegisters, memory: memory)
        #expect(outcome.device.failures.isEmpty, "\(outcome.device.failures.prefix(5))")
        #expect(outcome.report.packetsReclaimed == packets)
        #expect(outcome.report.badCompletionStatus == 0)
        #expect(outcome.report.doorbellExits == (mode == .exit ? packets : 0))
        #expect(outcome.report.isrEntriesByHost + outcome.report.isrPolledByGuest >= packets / 2 / 2)
    }

    @Test func theSameRunnerRunsTheGuestAgainAfterPrepareNextRun() throws {
        let memory = try TestRAM()
        let layout = GuestLayout(memorySize: memory.ram.size)
        let first = GuestDriverParameters.standard(layout: layout, packetCount: 100, payloadLength: 256, bufferCount: 8, ringCapacity: 8)
        let vm = try KVMVirtualMachine(ram: memory.ram)
        let device = FakeTXDevice(ram: memory.ram, parameters: first, mode: .exit)
        let bus = MMIOBus()
        try bus.insert(device, base: first.doorbellAddress, length: 4)
        let runner = try GuestDriverRunner(vm: vm, layout: layout, parameters: first, bus: bus)
        device.start(interruptLine: runner.interruptLine)
        defer { device.shutdown() }
        let one = try runner.run()
        #expect(one.packetsReclaimed == 100 && one.doorbellExits == 100)
        #expect(throws: VMMError.self) { _ = try runner.run() }
        var second = first
        second.packetCount = 150
        try runner.prepareNextRun(parameters: second)
        device.resetRing()
        let two = try runner.run()
        #expect(two.packetsSent == 150 && two.packetsReclaimed == 150)
        #expect(two.doorbellExits == 150)
        #expect(runner.statistics.count(.mmioWrite) == 150)
        #expect(device.doorbellWrites.load(ordering: .relaxed) == 150)
        #expect(device.failures.isEmpty, "\(device.failures.prefix(5))")
    }

    @Test func aBadParameterIsReportedByTheGuestOrRejectedUpFront() throws {
        let memory = try TestRAM()
        let layout = GuestLayout(memorySize: memory.ram.size)
        var parameters = GuestDriverParameters.standard(layout: layout, packetCount: 4)
        parameters.txRingCapacity = 48
        let vm = try KVMVirtualMachine(ram: memory.ram)
        let bus = MMIOBus()
        try bus.insert(RecordingDevice(), base: parameters.doorbellAddress, length: 4)
        #expect { _ = try GuestDriverRunner(vm: vm, layout: layout, parameters: parameters, bus: bus) } throws: {
            ($0 as? VMMError)?.message.hasPrefix("txRingCapacity") == true
        }
        // Bypass the host-side check: the guest's own validation reports on its error port.
        parameters.txRingCapacity = 64
        let runner = try GuestDriverRunner(vm: vm, layout: layout, parameters: parameters, bus: bus)
        memory.ram.storeU64(layout.mailbox + GuestMailbox.txRingCapacity, 48)
        #expect { _ = try runner.run() } throws: { ($0 as? VMMError)?.message.contains("txRingCapacity is not a power of two") == true }
    }

    /// The guest writes its mailbox counters itself: a hostile value must neither trap the host
    /// (an Int conversion of a value past Int.max) nor become a count the host loops over.
    @Test func hostileMailboxCountersAreClampedForTheHost() throws {
        let memory = try TestRAM()
        let out = try send(4, mode: .exit, memory: memory)
        #expect(out.runner.guestCount(GuestMailbox.sent) == 4)
        for value: UInt64 in [.max, 1 << 63, UInt64(Int32.max) + 1] {
            memory.ram.storeU64(out.runner.layout.mailbox + GuestMailbox.sent, value)
            #expect(out.runner.guestCount(GuestMailbox.sent) == Int(Int32.max))
        }
    }

    @Test func anOfferedRateSendsNoPacketBeforeItsDueTime() throws {
        let memory = try TestRAM()
        let layout = GuestLayout(memorySize: memory.ram.size)
        var parameters = GuestDriverParameters.standard(layout: layout, packetCount: 40, payloadLength: 200,
                                                        bufferCount: 8, ringCapacity: 8)
        // 1 ms apart: a 40 ms schedule, long enough that a vCPU thread descheduled now and then
        // by a loaded machine is still ahead of it (and must wait) at some point.
        let interval = UInt64(TSCClock.shared.hz / 1_000)
        parameters.txIntervalTicks = interval
        let vm = try KVMVirtualMachine(ram: memory.ram)
        let device = FakeTXDevice(ram: memory.ram, parameters: parameters, mode: .exit)
        let bus = MMIOBus()
        try bus.insert(device, base: parameters.doorbellAddress, length: 4)
        let runner = try GuestDriverRunner(vm: vm, layout: layout, parameters: parameters, bus: bus)
        #expect { _ = try runner.run() } throws: { ($0 as? VMMError)?.message.contains("tscHz") == true }
        try runner.prepareNextRun()
        runner.tscHz = TSCClock.shared.hz
        device.start(interruptLine: runner.interruptLine)
        defer { device.shutdown() }
        let report = try runner.run(waitTimeoutNanoseconds: 5_000_000_000)
        #expect(report.packetsReclaimed == 40)
        #expect(device.failures.isEmpty, "\(device.failures.prefix(5))")
        let start = runner.mailbox(GuestMailbox.startTSC)
        #expect(start > 0)
        var early: [Int] = []
        for seq in 0..<40 where runner.guestStamp(seq: seq, .fill) < start + UInt64(seq) * interval { early.append(seq) }
        #expect(early.isEmpty, "packets filled before their due time: \(early)")
        // It waited for due times (how often depends on the machine's load). A guest that never
        // waited must have been behind its schedule for every packet: descheduled throughout.
        let behind = (0..<40).allSatisfy { runner.guestStamp(seq: $0, .fill) >= start + UInt64($0 + 1) * interval }
        #expect(report.guestWaits > 0 || behind, "the guest never waited although it was ahead of its schedule")
    }

    @Test func requestStopAndTheExitObserverEndARunEarly() throws {
        let memory = try TestRAM()
        let layout = GuestLayout(memorySize: memory.ram.size)
        // A device that never completes: the guest fills its two buffers and waits for ever.
        let parameters = GuestDriverParameters.standard(layout: layout, packetCount: 10, payloadLength: 64,
                                                        bufferCount: 2, ringCapacity: 8)
        let vm = try KVMVirtualMachine(ram: memory.ram)
        let bus = MMIOBus()
        try bus.insert(RecordingDevice(), base: parameters.doorbellAddress, length: 4)
        let runner = try GuestDriverRunner(vm: vm, layout: layout, parameters: parameters, bus: bus)
        let line = runner.interruptLine
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.1) { line.requestStop() }
        let report = try runner.run(waitTimeoutNanoseconds: 5_000_000_000)
        #expect(report.stopped)
        #expect(report.packetsSent == 2 && report.packetsReclaimed == 0)
        #expect(report.interruptsRaised == 0)   // a stop is not an interrupt

        let other = try TestRAM()
        let vm2 = try KVMVirtualMachine(ram: other.ram)
        let bus2 = MMIOBus()
        try bus2.insert(RecordingDevice(), base: parameters.doorbellAddress, length: 4)
        let runner2 = try GuestDriverRunner(vm: vm2, layout: layout, parameters: parameters, bus: bus2)
        var seen: [ExitReason] = []
        runner2.exitObserver = { reason in
            seen.append(reason)
            return seen.count < 2
        }
        let second = try runner2.run(waitTimeoutNanoseconds: 5_000_000_000)
        #expect(second.stopped)
        #expect(seen == [.mmioWrite, .mmioWrite])
    }

    static func describe(_ report: GuestRunReport, runner: GuestDriverRunner, packets: Int) -> String {
        let roundTrips = CycleSamples(capacity: packets)
        for seq in 0..<packets {
            roundTrips.record(runner.guestStamp(seq: seq, .resumed) &- runner.guestStamp(seq: seq, .doorbell))
        }
        var lines = ["[\(report.doorbellMode.rawValue)] \(packets) packets, mechanism \(report.interruptMechanism.rawValue)",
                     "  guest doorbell store round trip (guest stamps): \(roundTrips.summary()!)"]
        for exit in report.exits { lines.append("  exit \(exit.reason): \(exit.cycles)") }
        if let s = report.isrEntry { lines.append("  ISR entry (host): \(s)") }
        if let s = report.kickLatency { lines.append("  kick raise->EINTR: \(s)") }
        if let s = report.wait { lines.append("  wait blocked: \(s)") }
        lines.append("  raised \(report.interruptsRaised) kicks \(report.interruptKicks) hostISR \(report.isrEntriesByHost) polled \(report.isrPolledByGuest) deferred \(report.isrDeferred) waits \(report.guestWaits)")
        return lines.joined(separator: "\n")
    }
}

@Suite(.enabled(if: KVMHere.usable && KVMHere.availability.capabilities["IRQCHIP", default: 0] > 0, "no usable KVM with KVM_CAP_IRQCHIP here"))
struct IRQChipPlumbingTests {
    @Test func irqchipLineAndIrqfdAreAccepted() throws {
        let memory = try TestRAM(size: 4 << 20)
        let vm = try KVMVirtualMachine(ram: memory.ram)
        #expect(throws: VMMError.self) { try vm.setIRQLine(5, level: true) }   // no irqchip yet
        try vm.createIRQChip()
        try vm.setIRQLine(5, level: true)
        try vm.setIRQLine(5, level: false)
        let fd = vw_eventfd(0, 0)
        defer { _ = vw_close(fd) }
        try vm.addIRQFD(gsi: 6, eventfd: fd)
        #expect(vw_eventfd_signal(fd, 1) == 0)
    }
}
