// The `kvm` trap backend's guest: a real KVM vCPU running the guest driver program
// (Guest/, C behind an assembly entry stub) over the VM's guest memory, on the pipeline's `vw-guest` thread. Its
// doorbell write is a real VM exit: KVM_RUN returns on this thread, the run loop decodes the
// MMIO address through the bus and calls the device model here, in the same OS thread, as
// QEMU's vCPU threads do. With `--doorbell ioeventfd` the kernel absorbs the write and signals
// the device model's eventfd: no user-space exit at all.
//
// CPU accounting: one OS thread does two components' work, so its CPU time is split by mode:
// time in KVM guest mode (the kernel's guest_time of the thread, which it counts inside user
// time) is `guest`; the rest - KVM in the kernel (exits, entries, ioeventfd, waits: system
// time) and the user-space run loop and exit dispatch (user time minus guest time) - is
// `hypervisor`. guest_time is sampled by the scheduler tick: exact over long runs, coarse over
// short ones. Stage stamps and Table 1 categories of the exit handling go to `hypervisor`.
import CVWiFiShim
import Synchronization
import Measurement
import Platform
import VMM

final class KVMGuest: BusDevice, PipelineComponent, @unchecked Sendable {
    // SAFETY: after start, everything is touched by the vCPU thread only (the device model
    // reaches it through `line`, which is thread-safe); the executor reads results after join.
    static let threadName = "vw-guest"
    /// This VM's vCPU thread: vw-guest, vw-guest2, ...
    let threadName: String
    /// This VM's first frame seq, and the guests sharing the run (the last to finish marks the
    /// run's sender done).
    let seqBase: UInt32
    let senders: Int
    /// What this guest last added to the shared tally.
    var published = (sent: 0, reclaimed: 0, dropped: 0, rxDelivered: 0, echoes: 0)

    /// The guest's share: its account holds the vCPU thread's time in KVM guest mode.
    package let context: ComponentContext
    /// The same thread's system time: KVM. Also holds the exit stamps and exit categories.
    let hypervisor: ThreadAccount
    let doorbell: DoorbellMode
    /// The device model behind the doorbell exit (nil on passthrough: the doorbell is the
    /// assigned device's register page, mapped into the guest, and never exits).
    let model: DeviceModel?
    let memory: GuestMemory
    let ram: GuestRAM
    let layout: GuestLayout
    var runner: GuestDriverRunner!
    let stamps: GuestStampArea
    let warmup: Int
    /// The guest program's driver for this run.
    let mode: GuestDriverMode
    var report: GuestRunReport?

    /// Guest-observed doorbell store round trips (TSC before the store to TSC after it), over
    /// the measured packets: the cost of the exit as the guest pays it.
    let doorbellRoundTrips: CycleSamples
    var exitMark: [Int] = []
    var kickMark = 0
    var measuredRegion = false
    var lastDoorbellSeq = -1
    var lastDoorbellHandled: UInt64 = 0
    var scannedReclaimed = 0
    var scannedStores = 0
    var scannedDelivered = 0
    var reportedCorruption = false
    /// This guest's stream is sent and reclaimed (set once; both ways it happens while the
    /// program still runs, taking the RX stream).
    var senderMarkedDone = false
    var durationEndNs: Int64 = 0
    var packetCountLowered = false
    /// Who logs the guest's doorbell stamp, read from its descriptor, when no device model does
    /// (passthrough: the device).
    var doorbellStampRecorder: ThreadAccount?
    /// A real program's traffic: the guest's network stack (the station's namespace) behind the
    /// guest program's carry mode. Set at assembly.
    var stack: GuestStack?

    var line: KVMInterruptLine { runner.interruptLine }
    /// irqchip mechanism only (kvm_intel/kvm_amd): the device's interrupt eventfd, a KVM_IRQFD.
    private(set) var irqfd: IRQFDInterruptSink?

    /// Points the device model's (or forwarder's) interrupt sink at this guest: the irqfd where
    /// the in-kernel irqchip injects, the KVM line (pending flag + immediate_exit) otherwise.
    func connect(_ sink: KVMInterruptSink) {
        sink.line = line
        sink.irqfd = irqfd
    }

    /// Creates the VM over `memory` (whose first 2 MiB the caller reserved for the VMM), writes
    /// the frame headers into every TX buffer, loads the guest program and maps the device model
    /// at DeviceModel.mmioBase. `completionIndexGPA` is the u32 the TXStatusSink publishes.
    init(context: ComponentContext, hypervisor: ThreadAccount, memory: GuestMemory, rings: GuestRings, completionIndexGPA: UInt64, model: DeviceModel?,
         vmID: UInt8, station: MACAddress, peer: MACAddress, bssid: MACAddress, seqBase: UInt32 = 0, senders: Int = 1,
         threadName: String = KVMGuest.threadName) throws {
        let config = context.config
        self.context = context
        self.hypervisor = hypervisor
        self.seqBase = seqBase
        self.senders = senders
        self.threadName = threadName
        self.model = model
        self.memory = memory
        doorbell = config.doorbell
        ram = GuestRAM(base: memory.hostBase, size: UInt64(memory.size))
        layout = GuestLayout(memorySize: UInt64(memory.size))
        stamps = GuestStampArea(ram: ram, layout: layout)
        warmup = config.warmupPackets
        doorbellRoundTrips = CycleSamples(capacity: min(1 << 20, max(config.packets, 1 << 16)))

        // Buffers: one stride apart (the guest addresses buffer i as base + i * stride), each
        // with the constant headers of this run in front of the payload the guest writes.
        let stride = UInt64(GuestRings.bufferBytes)
        let buffers = min(rings.txBuffers.count, layout.stampCapacity)
        let frame = Self.txFrame(config)
        for i in 0..<buffers {
            let gpa = rings.txBuffers[i]
            guard gpa == rings.txBuffers[0] + UInt64(i) * stride,
                  let host = memory.hostAddress(gpa: gpa, length: GuestRings.bufferBytes) else {
                throw PipelineError.setup("TX buffer \(i) at GPA \(gpa) is not contiguous with buffer 0: the KVM guest needs equally spaced buffers")
            }
            if config.traffic.isTool {
                // A program's packet: the driver's link headers only (the stack's IP packet follows).
                FrameFormat.writeLinkHeaders(into: host, seq: UInt32(i), source: station, destination: peer, bssid: bssid)
            } else {
                FrameFormat.writeHeaders(into: host, payloadLength: frame.payload, seq: UInt32(i), source: station,
                                         destination: peer, bssid: bssid, kind: frame.kind)
            }
        }
        var parameters = GuestDriverParameters(
            packetCount: Self.packetCount(config), payloadLength: frame.payload,
            txBufferBase: rings.txBuffers[0], txBufferStride: stride, txBufferCount: buffers,
            txRing: rings.txRingGPA, txRingCapacity: rings.tx.capacity, completionIndex: completionIndexGPA,
            doorbellAddress: DeviceModel.mmioBase + DeviceModel.txDoorbellOffset, vmID: vmID)
        parameters.payloadOffset = FrameFormat.payloadOffset
        if let rate = config.rate { parameters.txIntervalTicks = UInt64(max(1, TSCClock.shared.hz / rate)) }
        try Self.addModeParameters(&parameters, config: config, rings: rings, memory: memory)
        mode = parameters.mode
        parameters.seqBase = seqBase

        let bus = MMIOBus()
        let vm: KVMVirtualMachine
        do {
            vm = try KVMVirtualMachine(device: config.kvmDevice, ram: ram)
            try bus.insert(busEntry, base: DeviceModel.mmioBase, length: DeviceModel.mmioLength)
            runner = try GuestDriverRunner(vm: vm, layout: layout, parameters: parameters, bus: bus,
                                           doorbellMode: doorbell, doorbellEventFD: model?.kick.fd,
                                           statisticsCapacity: min(1 << 20, max(1 << 14, config.packets * 2)),
                                           interruptMechanism: GuestDriverRunner.interruptMechanism(vm: vm, mode: parameters.mode))
        } catch {
            throw PipelineError.setup("KVM guest: \(error)")
        }
        if runner.interruptLine.mechanism == .irqchip { irqfd = try IRQFDInterruptSink(runner: runner) }
        runner.tscHz = TSCClock.shared.hz
    }

    /// The bus's handle on this device. The runner owns the bus and this object owns the
    /// runner, so the bus must not own this object: a strong entry made a cycle that kept every
    /// KVM pipeline (tens of MB of samples) alive after its run.
    private lazy var busEntry = WeakBusDevice(self)

    // MARK: the vCPU thread

    func run() {
        // One OS thread, two accounts: the guest's (context.account) and the hypervisor's; with a
        // program's traffic a third, the guest stack's deliveries in this thread's system calls.
        hypervisor.attach()
        stack?.deliveryAccount.attach()
        runThread { runGuest() }
        stack?.deliveryAccount.finish()
        hypervisor.finish()
    }

    private func runGuest() {
        vw_set_timer_slack(1)   // the guest's TSC-deadline waits (offered rate) are short
        if let duration = config.duration { durationEndNs = vw_monotonic_ns() + Int64(duration * 1e9) }
        runner.exitObserver = { [unowned self] reason in self.afterExit(reason) }
        // A guest that only receives blocks at its wait port after taking the last frames: what
        // it counted must be visible before the vCPU thread sleeps, or the run never ends.
        runner.beforeWait = { [unowned self] in
            self.deliverToStack()
            self.publishProgress()
            // The receiving guest program posts its buffers, then waits for its first interrupt.
            if self.mode == .udpRX { self.tally.receiverReady.store(true, ordering: .releasing) }
        }
        // A program's run is measured from the executor's start (once the server listens).
        if mode != .carry && (warmup == 0 || mode == .udpRX || mode == .idle) { beginMeasuredRegion() }
        do {
            // A program may pause for as long as it likes (the host stops the guest).
            let waitLimit: Int64 = mode == .carry ? 3_600_000_000_000 : 10_000_000_000
            report = try runner.run(waitTimeoutNanoseconds: waitLimit, summarizing: false)
        } catch {
            if !control.isStopping { control.fail("KVM guest: \(error)") }
        }
        runner.exitObserver = nil
        runner.beforeWait = nil
        finishLastDoorbell()
        deliverToStack()
        scanGuest(final: true)
        publishProgress()
        markSenderDone()
    }

    /// After every exit, before the guest runs again (vCPU thread).
    func afterExit(_ reason: ExitReason) -> Bool {
        if mode == .carry {
            if !measuredRegion && control.isMeasuring { beginMeasuredRegion() }
        } else if (doorbell == .ioeventfd || model == nil) && !measuredRegion && runner.guestCount(GuestMailbox.sent) >= warmup {
            // No doorbell exit to mark the warm-up's end: the first exit after it does.
            beginMeasuredRegion()
        }
        hypervisor.follow(control)
        account.follow(control)
        deliverToStack()
        scanGuest(final: false)
        publishProgress()
        if durationEndNs != 0 && mode != .carry && !packetCountLowered && vw_monotonic_ns() >= durationEndNs {
            let sent = runner.mailbox(GuestMailbox.sent)
            if sent > UInt64(warmup) {
                // The guest re-reads packetCount every loop: it stops sending and drains.
                ram.storeU64(layout.mailbox + GuestMailbox.packetCount, sent)
                packetCountLowered = true
            }
        }
        return !control.isStopping
    }

    /// A program's traffic: what the guest received goes to its stack, and the stack hears of
    /// buffers the guest reclaimed (both before the guest runs again).
    private func deliverToStack() {
        guard let stack else { return }
        stack.deliveryAccount.follow(control)
        stack.drainOutbox(stampingOn: account)
        stack.noteReclaimed()
    }

    /// The last of the run's guests to finish sending marks the run's sender done.
    func markSenderDone() {
        guard !senderMarkedDone else { return }
        senderMarkedDone = true
        if tally.sendersFinished.add(1, ordering: .relaxed).newValue >= senders {
            tally.senderDone.store(true, ordering: .relaxed)
        }
    }

    /// The measured region starts: exits are counted from here; every thread follows.
    func beginMeasuredRegion() {
        guard !measuredRegion else { return }
        measuredRegion = true
        exitMark = runner.statistics.mark()
        kickMark = runner.kickLatencyCycles.count
        control.startMeasuring()
        // The user-share account last: its allocation count must not include the other's setup.
        hypervisor.follow(control)
        account.follow(control)
    }
}
