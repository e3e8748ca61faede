import CVWiFiShim
import Measurement
#if canImport(Glibc)
import Glibc
#endif

/// Runs the guest driver (Guest/guest_driver.s) on one vCPU of `vm`: loads it, writes its
/// mailbox, and runs it on the calling thread until it has sent and reclaimed every packet.
/// Doorbell exits go through `bus` to the device model; the device model calls
/// `interruptLine.raise()` from its own thread when it completes descriptors.
public final class GuestDriverRunner {
    public let vm: KVMVirtualMachine
    public let vcpu: VirtualCPU
    public let layout: GuestLayout
    public private(set) var parameters: GuestDriverParameters
    public let bus: MMIOBus
    /// Port-I/O devices other than the guest's own wait/done/error ports.
    public let portBus = MMIOBus()
    public let doorbellMode: DoorbellMode
    public let interruptLine: KVMInterruptLine
    public let statistics: ExitStatistics
    /// Host cost of entering the ISR (complete pending I/O, GET_REGS, push RIP, SET_REGS).
    public let isrEntryCycles: CycleSamples
    /// raise() (TSC at the kick) to KVM_RUN returning EINTR on the vCPU thread.
    public let kickLatencyCycles: CycleSamples
    /// Time the vCPU thread spent blocked on the wait port.
    public let waitCycles: CycleSamples
    /// Host TSC when each doorbell exit reached user space / when the bus had handled it,
    /// indexed by doorbell number & (layout.stampCapacity - 1).
    public let hostDoorbellExitStamps: UnsafeMutableBufferPointer<UInt64>
    public let hostDoorbellHandledStamps: UnsafeMutableBufferPointer<UInt64>

    private let ram: GuestRAM
    private let isrStart: UInt64
    private let isrRange: Range<UInt64>
    /// Host TSC right after the last KVM_RUN returned (a device model called during the exit
    /// can read it as the moment the exit reached user space).
    public private(set) var lastExitTSC: UInt64 = 0
    /// TSC ticks per second, to turn the guest's wait deadlines (TSC) into futex timeouts.
    /// Needed when `parameters.txIntervalTicks` is not 0.
    public var tscHz: Double = 0
    /// Called on the vCPU thread after every exit was handled, before the guest is entered
    /// again; returning false ends the run (`GuestRunReport.stopped`). A hook for the embedding
    /// pipeline (measurement phases, progress, a time-bounded run lowering packetCount).
    public var exitObserver: ((ExitReason) -> Bool)?
    private var doorbellExits = 0
    private var deferredInterrupts = 0
    private var started = false
    private var raisedAtStart: UInt32 = 0
    private var kicksAtStart: UInt32 = 0

    /// Loads the guest into `vm`'s RAM per `layout`, on a new vCPU. With `.ioeventfd`, give
    /// `doorbellEventFD`; it is registered on the doorbell address (4-byte writes).
    /// `useSyncRegisters` lets ISR entry read and write RIP/RSP through kvm_run instead of
    /// KVM_GET_REGS/KVM_SET_REGS, where the host supports it.
    public init(vm: KVMVirtualMachine, layout: GuestLayout, parameters: GuestDriverParameters, bus: MMIOBus,
                doorbellMode: DoorbellMode = .exit, doorbellEventFD: Int32? = nil,
                statisticsCapacity: Int = 1 << 16, useSyncRegisters: Bool = true) throws(VMMError) {
        let ram = vm.ram
        guard layout.guestPhysicalBase == ram.guestPhysicalBase, layout.memorySize == ram.size else {
            throw .config("GuestLayout", "base/size (0x\(String(layout.guestPhysicalBase, radix: 16)), \(layout.memorySize)) differ from the VM's RAM (0x\(String(ram.guestPhysicalBase, radix: 16)), \(ram.size))")
        }
        try layout.validate()
        try parameters.validate(layout: layout, ram: ram)
        guard UInt64(GuestDriverImage.bytes.count) <= layout.codeCapacity else {
            throw .config("GuestLayout.codeCapacity", "the guest image needs \(GuestDriverImage.bytes.count) bytes")
        }
        if doorbellMode == .exit, !bus.covers(parameters.doorbellAddress) {
            throw .config("bus", "no device covers the doorbell 0x\(String(parameters.doorbellAddress, radix: 16)); insert the device model there")
        }
        self.vm = vm
        self.ram = ram
        self.layout = layout
        self.parameters = parameters
        self.bus = bus
        self.doorbellMode = doorbellMode

        try LongModeSetup.install(layout, in: ram)
        try GuestDriverRunner.load(layout: layout, parameters: parameters, ram: ram)
        isrStart = layout.code + GuestDriverImage.isrStartOffset
        isrRange = isrStart..<(layout.code + GuestDriverImage.isrEndOffset)

        vcpu = try vm.createVCPU()
        try vcpu.enterLongModeUser(layout: layout, rip: layout.code + GuestDriverImage.entryOffset,
                                   rsp: layout.stackTop, r15: layout.mailbox)
        if useSyncRegisters { vcpu.enableSyncRegisters() }
        let signal = vw_vmm_kick_signal()
        try SystemCall.check("sigaction (vCPU kick signal \(signal))", vw_install_interrupting_handler(signal), as: VMMError.init)
        guard let cause = ram.pointer(layout.mailbox + GuestMailbox.irqPending, length: 4) else {
            throw .config("GuestLayout.mailbox", "outside guest RAM")
        }
        interruptLine = KVMInterruptLine(cause: cause, run: vcpu.runPage, signal: signal, owner: vcpu)
        statistics = ExitStatistics(capacityPerReason: statisticsCapacity)
        isrEntryCycles = CycleSamples(capacity: statisticsCapacity)
        kickLatencyCycles = CycleSamples(capacity: statisticsCapacity)
        waitCycles = CycleSamples(capacity: statisticsCapacity)
        hostDoorbellExitStamps = .allocate(capacity: layout.stampCapacity)
        hostDoorbellExitStamps.initialize(repeating: 0)
        hostDoorbellHandledStamps = .allocate(capacity: layout.stampCapacity)
        hostDoorbellHandledStamps.initialize(repeating: 0)

        if doorbellMode == .ioeventfd {
            guard let fd = doorbellEventFD else {
                throw .config("doorbellEventFD", "doorbell mode ioeventfd needs an eventfd for the device model")
            }
            try vm.addIOEventFD(address: parameters.doorbellAddress, length: 4, eventfd: fd)
        }
    }

    deinit {
        hostDoorbellExitStamps.deallocate()
        hostDoorbellHandledStamps.deallocate()
    }

    /// Copies the guest image to `layout.code`, clears the mailbox and the stamp area.
    static func loadImage(layout: GuestLayout, ram: GuestRAM) throws(VMMError) {
        guard let code = ram.pointer(layout.code, length: UInt64(GuestDriverImage.bytes.count)) else {
            throw .config("GuestLayout.code", "outside guest RAM")
        }
        GuestDriverImage.bytes.withUnsafeBytes { code.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        ram.zero(layout.mailbox, length: 4096)
        ram.zero(layout.stampArea, length: layout.stampBytes)
    }

    /// Loads the image, writes the mailbox parameters, clears the ring header and completion index.
    static func load(layout: GuestLayout, parameters p: GuestDriverParameters, ram: GuestRAM) throws(VMMError) {
        try loadImage(layout: layout, ram: ram)
        let m = layout.mailbox
        ram.storeU64(m + GuestMailbox.packetCount, UInt64(p.packetCount))
        ram.storeU64(m + GuestMailbox.payloadLength, UInt64(p.payloadLength))
        ram.storeU64(m + GuestMailbox.txBufferBase, p.txBufferBase)
        ram.storeU64(m + GuestMailbox.txBufferStride, p.txBufferStride)
        ram.storeU64(m + GuestMailbox.txBufferCount, UInt64(p.txBufferCount))
        ram.storeU64(m + GuestMailbox.txRing, p.txRing)
        ram.storeU64(m + GuestMailbox.txRingCapacity, UInt64(p.txRingCapacity))
        ram.storeU64(m + GuestMailbox.completionIndex, p.completionIndex)
        ram.storeU64(m + GuestMailbox.doorbell, p.doorbellAddress)
        ram.storeU64(m + GuestMailbox.stampArea, layout.stampArea)
        ram.storeU64(m + GuestMailbox.stampCapacity, UInt64(layout.stampCapacity))
        ram.storeU64(m + GuestMailbox.portBase, UInt64(p.portBase))
        ram.storeU64(m + GuestMailbox.vmID, UInt64(p.vmID))
        ram.storeU64(m + GuestMailbox.payloadOffset, UInt64(p.payloadOffset))
        ram.storeU64(m + GuestMailbox.txInterval, p.txIntervalTicks)
        ram.zero(p.txRing, length: TXDescriptorLayout.ringBytes(capacity: p.txRingCapacity))
        ram.storeU32(p.completionIndex, 0)
    }

    /// Runs the guest on the calling thread (which becomes the vCPU thread) until it reports
    /// done. `waitTimeoutNanoseconds` bounds each wait for an interrupt, so a device model that
    /// never completes is an error, not a hang. With `summarizing` false the report leaves the
    /// cycle summaries out (they sort copies of the samples: allocations a caller that measures
    /// its own thread may not want before it closed its books; `statistics` keeps them).
    public func run(waitTimeoutNanoseconds: Int64 = 10_000_000_000, summarizing: Bool = true) throws(VMMError) -> GuestRunReport {
        guard !started else { throw VMMError("GuestDriverRunner.run: the guest already ran; call prepareNextRun() first") }
        started = true
        raisedAtStart = interruptLine.raisedCount
        kicksAtStart = interruptLine.kickCount
        _ = vw_unblock_signal(interruptLine.signal)
        interruptLine.attach(thread: vw_gettid())
        defer { interruptLine.setState(.idle) }
        let portBase = parameters.portBase
        let stampMask = layout.stampCapacity - 1
        var needsCompletion = false
        var stopped = false
        let startTSC = vw_rdtsc()
        if parameters.txIntervalTicks != 0 && !(tscHz > 0) {
            throw .config("GuestDriverRunner.tscHz", "set the TSC frequency when parameters.txIntervalTicks is not 0 (the guest waits for TSC deadlines)")
        }

        runLoop: while true {
            interruptLine.setState(.running)
            if interruptLine.stopRequested {
                stopped = true
                break runLoop
            }
            if interruptLine.isPending {
                try deliverInterrupt(needsCompletion: &needsCompletion)
            }
            let before = vw_rdtsc()
            let exit = vcpu.run()
            let after = vw_rdtsc()
            interruptLine.markInHost()
            lastExitTSC = after
            vcpu.setImmediateExit(false)
            let reason = ExitReason(exit)
            statistics.record(reason, cycles: after &- before)

            switch exit {
            case let .mmio(address, length, isWrite):
                needsCompletion = true
                let data = vcpu.mmioData
                if isWrite {
                    let isDoorbell = address == parameters.doorbellAddress
                    if isDoorbell { hostDoorbellExitStamps[doorbellExits & stampMask] = after }
                    bus.write(address: address, data: UnsafeRawBufferPointer(rebasing: data[0..<min(length, 8)]))
                    if isDoorbell {
                        hostDoorbellHandledStamps[doorbellExits & stampMask] = vw_rdtsc()
                        doorbellExits += 1
                    }
                } else {
                    bus.read(address: address, data: UnsafeMutableRawBufferPointer(rebasing: data[0..<min(length, 8)]))
                }
            case let .io(port, isOut, size, _):
                needsCompletion = true
                let data = vcpu.ioData
                if isOut && port >= portBase && port - portBase <= GuestMailbox.errorPort {
                    var value: UInt32 = 0
                    for i in 0..<min(size, 4) { value |= UInt32(data[i]) << (8 * UInt32(i)) }
                    switch port - portBase {
                    case GuestMailbox.waitPort:
                        try waitForInterrupt(observedISRCount: value, timeoutNanoseconds: waitTimeoutNanoseconds)
                    case GuestMailbox.donePort:
                        break runLoop
                    default:
                        throw VMMError("guest driver reported error \(value): \(GuestMailbox.guestErrorText(value))")
                    }
                } else if isOut {
                    portBus.write(address: UInt64(port), data: UnsafeRawBufferPointer(data))
                } else {
                    portBus.read(address: UInt64(port), data: data)
                }
            case .interrupted:
                needsCompletion = false   // KVM completes pending I/O before it honours immediate_exit
                let kick = interruptLine.takeKickStamp()
                if kick != 0 && kick < after { kickLatencyCycles.record(after &- kick) }
            case .hlt:
                try waitForInterrupt(observedISRCount: nil, timeoutNanoseconds: waitTimeoutNanoseconds)
            case .shutdown, .failEntry, .internalError, .other, .failed:
                let rip = (try? vcpu.registers().rip).map { "0x" + String($0, radix: 16) } ?? "unknown"
                throw VMMError("guest stopped unexpectedly: \(exit) at RIP \(rip) (guest code at 0x\(String(layout.code, radix: 16)))")
            }
            if let observer = exitObserver, !observer(reason) {
                stopped = true
                break runLoop
            }
        }
        return report(hostCycles: vw_rdtsc() &- startTSC, stopped: stopped, summarizing: summarizing)
    }

    /// Makes the runner ready to run the guest again on the same vCPU (warm-up, then measured
    /// runs): reloads the mailbox (optionally with new `parameters`, same doorbell address),
    /// clears the ring header, completion index, stamps and statistics, and points the vCPU at
    /// the entry again. The device model must reset its own ring state (consumer index) too.
    public func prepareNextRun(parameters next: GuestDriverParameters? = nil) throws(VMMError) {
        let next = next ?? parameters
        guard next.doorbellAddress == parameters.doorbellAddress else {
            throw .config("doorbellAddress", "cannot change between runs of one runner (the bus and ioeventfd are bound to it)")
        }
        try next.validate(layout: layout, ram: ram)
        if started { try vcpu.completePendingIO() }   // the guest stopped at its done port
        parameters = next
        try GuestDriverRunner.load(layout: layout, parameters: next, ram: ram)
        var regs = kvm_regs()
        regs.rip = layout.code + GuestDriverImage.entryOffset
        regs.rsp = layout.stackTop
        regs.rflags = LongModeSetup.userFlags
        regs.r15 = layout.mailbox
        try vcpu.setRegisters(regs)
        statistics.reset()
        isrEntryCycles.reset()
        kickLatencyCycles.reset()
        waitCycles.reset()
        hostDoorbellExitStamps.update(repeating: 0)
        hostDoorbellHandledStamps.update(repeating: 0)
        doorbellExits = 0
        deferredInterrupts = 0
        lastExitTSC = 0
        started = false
    }

    /// The guest is at the wait port having seen `observedISRCount`: block until an interrupt is
    /// pending, unless an ISR already ran since (then the guest just re-checks), or until the
    /// guest's TSC deadline (mailbox.waitDeadline, when not 0) passes.
    private func waitForInterrupt(observedISRCount: UInt32?, timeoutNanoseconds: Int64) throws(VMMError) {
        if let observed = observedISRCount,
           UInt32(truncatingIfNeeded: mailbox(GuestMailbox.isrCount)) != observed { return }
        let guestDeadline = observedISRCount == nil ? 0 : mailbox(GuestMailbox.waitDeadline)
        let start = vw_rdtsc()
        if guestDeadline != 0 && start >= guestDeadline { return }
        interruptLine.setState(.waiting)
        defer { interruptLine.markInHost() }
        var deadline = vw_monotonic_ns() + timeoutNanoseconds
        var timed = false
        if guestDeadline != 0 && tscHz > 0 {
            let ns = Int64(Double(guestDeadline &- start) / tscHz * 1e9)
            if ns < timeoutNanoseconds {
                deadline = vw_monotonic_ns() + ns
                timed = true
            }
        }
        while !interruptLine.isPending && !interruptLine.stopRequested {
            let sequence = vw_load_acquire_u32(interruptLine.sequencePointer)
            if interruptLine.isPending || interruptLine.stopRequested { break }
            let remaining = deadline - vw_monotonic_ns()
            if timed && remaining <= 0 { break }
            guard remaining > 0, interruptLine.wait(sequence: sequence, timeoutNanoseconds: remaining) || interruptLine.isPending || timed else {
                throw VMMError("guest waited \(timeoutNanoseconds / 1_000_000) ms for an interrupt that never came (sent \(mailbox(GuestMailbox.sent)), reclaimed \(mailbox(GuestMailbox.reclaimed)) of \(parameters.packetCount)); the device model must complete descriptors and call interruptLine.raise()")
            }
        }
        waitCycles.record(vw_rdtsc() &- start)
    }

    /// Enters the guest ISR for a pending interrupt (unless the ISR is already running; then the
    /// guest's main loop polls the cause itself).
    private func deliverInterrupt(needsCompletion: inout Bool) throws(VMMError) {
        let start = vw_rdtsc()
        if needsCompletion {
            try vcpu.completePendingIO()
            needsCompletion = false
        }
        if try vcpu.enterISR(isrStart, unlessRIPIn: isrRange, ram: ram) {
            isrEntryCycles.record(vw_rdtsc() &- start)
        } else {
            deferredInterrupts += 1
        }
    }

    /// A driver-state word of the guest's mailbox.
    public func mailbox(_ offset: UInt64) -> UInt64 { ram.loadU64(layout.mailbox + offset) }

    /// A counter the guest keeps in its mailbox, as a count the host may loop over or add: the
    /// guest writes any 64 bits it likes there, so the value is clamped to 0...Int32.max (a
    /// plain Int conversion of a value past Int.max would trap the host).
    public func guestCount(_ offset: UInt64) -> Int { Int(min(mailbox(offset), UInt64(Int32.max))) }

    /// The guest's stamp for packet `seq` (0 if not written yet).
    public func guestStamp(seq: Int, _ field: GuestStampField) -> UInt64 { stamps.stamp(seq: seq, field) }

    /// The guest's stamp area, for the device model's thread.
    public var stamps: GuestStampArea { GuestStampArea(ram: ram, layout: layout) }

    private func report(hostCycles: UInt64, stopped: Bool, summarizing: Bool) -> GuestRunReport {
        GuestRunReport(
            stopped: stopped,
            packetsSent: guestCount(GuestMailbox.sent),
            packetsReclaimed: guestCount(GuestMailbox.reclaimed),
            doorbellExits: doorbellExits,
            doorbellMode: doorbellMode,
            interruptMechanism: interruptLine.mechanism,
            interruptsRaised: Int(interruptLine.raisedCount &- raisedAtStart),
            interruptKicks: Int(interruptLine.kickCount &- kicksAtStart),
            isrEntriesByHost: guestCount(GuestMailbox.hostISR),
            isrPolledByGuest: guestCount(GuestMailbox.polledISR),
            isrDeferred: deferredInterrupts,
            guestWaits: guestCount(GuestMailbox.waitCount),
            badCompletionStatus: guestCount(GuestMailbox.badStatus),
            unknownMMIOAccesses: bus.unknownAccesses,
            exits: summarizing ? statistics.summaries() : [],
            isrEntry: summarizing ? isrEntryCycles.summary() : nil,
            kickLatency: summarizing ? kickLatencyCycles.summary() : nil,
            wait: summarizing ? waitCycles.summary() : nil,
            hostCycles: hostCycles)
    }
}

/// What one guest run did.
public struct GuestRunReport: Sendable {
    /// The run ended early: `requestStop()` or the exit observer asked for it.
    public let stopped: Bool
    public let packetsSent: Int
    public let packetsReclaimed: Int
    /// Doorbell writes that exited to user space (0 with ioeventfd).
    public let doorbellExits: Int
    public let doorbellMode: DoorbellMode
    public let interruptMechanism: InterruptMechanism
    public let interruptsRaised: Int
    /// Raises that had to force the vCPU out of guest mode (immediate_exit + signal).
    public let interruptKicks: Int
    public let isrEntriesByHost: Int
    /// Interrupts the guest picked up by polling the cause (raised while its ISR ran).
    public let isrPolledByGuest: Int
    /// Times the host found RIP inside the ISR and left the interrupt to the guest's poll.
    public let isrDeferred: Int
    public let guestWaits: Int
    public let badCompletionStatus: Int
    public let unknownMMIOAccesses: Int
    public let exits: [ExitSummary]
    public let isrEntry: CycleSummary?
    public let kickLatency: CycleSummary?
    public let wait: CycleSummary?
    public let hostCycles: UInt64
}

extension GuestRunReport: CustomStringConvertible {
    public var description: String {
        var lines = ["guest run: sent \(packetsSent), reclaimed \(packetsReclaimed), doorbell \(doorbellMode.rawValue) (\(doorbellExits) user-space doorbell exits), interrupts \(interruptMechanism.rawValue): raised \(interruptsRaised), kicks \(interruptKicks), ISR entered by host \(isrEntriesByHost), polled by guest \(isrPolledByGuest), deferred \(isrDeferred); waits \(guestWaits)"]
        for exit in exits { lines.append("  exit \(exit.reason): \(exit.cycles)") }
        if let isrEntry { lines.append("  ISR entry (host): \(isrEntry)") }
        if let kickLatency { lines.append("  kick raise->EINTR: \(kickLatency)") }
        if let wait { lines.append("  blocked in wait: \(wait)") }
        return lines.joined(separator: "\n")
    }
}
