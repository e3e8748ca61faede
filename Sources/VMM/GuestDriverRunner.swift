import CVWiFiShim
import Measurement
#if canImport(Glibc)
import Glibc
#endif

/// Runs the guest driver program (Guest/, built into GuestDriverImage) on one vCPU of `vm`: loads it, writes its
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

    let ram: GuestRAM
    let isrStart: UInt64
    let isrRange: Range<UInt64>
    /// Host TSC right after the last KVM_RUN returned (a device model called during the exit
    /// can read it as the moment the exit reached user space).
    public internal(set) var lastExitTSC: UInt64 = 0
    /// TSC ticks per second, to turn the guest's wait deadlines (TSC) into futex timeouts.
    /// Needed when `parameters.txIntervalTicks` is not 0.
    public var tscHz: Double = 0
    /// Called on the vCPU thread after every exit was handled, before the guest is entered
    /// again; returning false ends the run (`GuestRunReport.stopped`). A hook for the embedding
    /// pipeline (measurement phases, progress, a time-bounded run lowering packetCount).
    public var exitObserver: ((ExitReason) -> Bool)?
    /// Called on the vCPU thread right before it blocks at the guest's wait port (the guest has
    /// nothing to do until an interrupt): a hook to publish what the guest counted so far.
    public var beforeWait: (() -> Void)?
    var doorbellExits = 0
    /// Idle: the TSC deadline the guest last wrote to its timer register (0: not armed), and
    /// the ticks injected so far.
    var timerDeadline: UInt64 = 0
    public internal(set) var timerInterrupts = 0
    var deferredInterrupts = 0
    var started = false
    var raisedAtStart: UInt32 = 0
    var kicksAtStart: UInt32 = 0

    /// Loads the guest into `vm`'s RAM per `layout`, on a new vCPU. With `.ioeventfd`, give
    /// `doorbellEventFD`; it is registered on the doorbell address (4-byte writes).
    /// `useSyncRegisters` lets ISR entry read and write RIP/RSP through kvm_run instead of
    /// KVM_GET_REGS/KVM_SET_REGS, where the host supports it.
    public init(vm: KVMVirtualMachine, layout: GuestLayout, parameters: GuestDriverParameters, bus: MMIOBus,
                doorbellMode: DoorbellMode = .exit, doorbellEventFD: Int32? = nil,
                statisticsCapacity: Int = 1 << 16, useSyncRegisters: Bool = true,
                interruptMechanism: InterruptMechanism = .pendingFlag) throws(VMMError) {
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

        let irqchip = interruptMechanism == .irqchip
        if irqchip { try GuestDriverRunner.prepareIRQChip(vm: vm, layout: layout, ram: ram, mode: parameters.mode) }
        vcpu = try vm.createVCPU()
        try vcpu.enterLongModeUser(layout: layout, rip: layout.code + GuestDriverImage.entryOffset,
                                   rsp: layout.stackTop, r15: layout.mailbox, interrupts: irqchip)
        if irqchip { try GuestDriverRunner.finishIRQChip(vm: vm, vcpu: vcpu) }
        if useSyncRegisters { vcpu.enableSyncRegisters() }
        let signal = vw_vmm_kick_signal()
        try SystemCall.check("sigaction (vCPU kick signal \(signal))", vw_install_interrupting_handler(signal), as: VMMError.init)
        guard let cause = ram.pointer(layout.mailbox + GuestMailbox.irqPending, length: 4) else {
            throw .config("GuestLayout.mailbox", "outside guest RAM")
        }
        interruptLine = KVMInterruptLine(cause: cause, run: vcpu.runPage, signal: signal, owner: vcpu,
                                         mechanism: interruptMechanism)
        statistics = ExitStatistics(capacityPerReason: statisticsCapacity)
        isrEntryCycles = CycleSamples(capacity: statisticsCapacity)
        kickLatencyCycles = CycleSamples(capacity: statisticsCapacity)
        waitCycles = CycleSamples(capacity: statisticsCapacity)
        // SAFETY: the two stamp arrays (stampCapacity words each) are owned by this runner and freed once
        // in deinit; the run loop indexes them with `& stampMask` (stampCapacity - 1).
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
        // SAFETY: frees the blocks from init, once; only the run loop (finished by now) writes them.
        hostDoorbellExitStamps.deallocate()
        hostDoorbellHandledStamps.deallocate()
    }

    /// Copies the guest image to `layout.code`, clears the mailbox and the stamp area.
    static func loadImage(layout: GuestLayout, ram: GuestRAM) throws(VMMError) {
        guard layout.code == GuestDriverImage.linkAddress else {
            throw .config("GuestLayout.code", "0x\(String(layout.code, radix: 16)): the guest image is linked at 0x\(String(GuestDriverImage.linkAddress, radix: 16)) (Guest/guest.ld); load it there")
        }
        guard let code = ram.pointer(layout.code, length: UInt64(GuestDriverImage.bytes.count)) else {
            throw .config("GuestLayout.code", "outside guest RAM")
        }
        // SAFETY: bounds: `ram.pointer` checked the image's byte count fits at layout.code; no overlap.
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
        ram.storeU64(m + GuestMailbox.completionIndex, p.txCompletionsInRing ? 0 : p.completionIndex)
        ram.storeU64(m + GuestMailbox.doorbell, p.doorbellAddress)
        ram.storeU64(m + GuestMailbox.stampArea, layout.stampArea)
        ram.storeU64(m + GuestMailbox.stampCapacity, UInt64(layout.stampCapacity))
        ram.storeU64(m + GuestMailbox.portBase, UInt64(p.portBase))
        ram.storeU64(m + GuestMailbox.vmID, UInt64(p.vmID))
        ram.storeU64(m + GuestMailbox.payloadOffset, UInt64(p.payloadOffset))
        ram.storeU64(m + GuestMailbox.txInterval, p.txIntervalTicks)
        p.loadModeParameters(mailbox: m, ram: ram)
        ram.zero(p.txRing, length: TXDescriptorLayout.ringBytes(capacity: p.txRingCapacity))
        ram.storeU32(p.completionIndex, 0)
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
        regs.rflags = entryFlags
        regs.r15 = layout.mailbox
        try vcpu.setRegisters(regs)
        statistics.reset()
        isrEntryCycles.reset()
        kickLatencyCycles.reset()
        waitCycles.reset()
        hostDoorbellExitStamps.update(repeating: 0)
        hostDoorbellHandledStamps.update(repeating: 0)
        doorbellExits = 0
        timerDeadline = 0
        timerInterrupts = 0
        deferredInterrupts = 0
        lastExitTSC = 0
        started = false
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
}
