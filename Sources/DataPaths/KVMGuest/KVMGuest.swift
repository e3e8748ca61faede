// The `kvm` trap backend's guest: a real KVM vCPU running the guest driver program
// (Guest/guest_driver.s) over the VM's guest memory, on the pipeline's `vw-guest` thread. Its
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
import Measurement
import Platform
import VMM
final class KVMGuest: BusDevice, @unchecked Sendable {
    // Sound: after start, everything is touched by the vCPU thread only (the device model
    // reaches it through `line`, which is thread-safe); the executor reads results after join.
    static let threadName = "vw-guest"

    /// The vCPU thread's user time: the guest.
    let account: ThreadAccount
    /// The same thread's system time: KVM. Also holds the exit stamps and exit categories.
    let hypervisor: ThreadAccount
    let doorbell: DoorbellMode
    private let control: PipelineControl
    private let tally: Tally
    private let config: PathConfig
    private let model: DeviceModel
    private let memory: GuestMemory
    private let ram: GuestRAM
    private let layout: GuestLayout
    private(set) var runner: GuestDriverRunner!
    private let stamps: GuestStampArea
    private let warmup: Int
    private(set) var report: GuestRunReport?

    /// Guest-observed doorbell store round trips (TSC before the store to TSC after it), over
    /// the measured packets: the cost of the exit as the guest pays it.
    let doorbellRoundTrips: CycleSamples
    private var exitMark: [Int] = []
    private var kickMark = 0
    private var measuredRegion = false
    private var lastDoorbellSeq = -1
    private var lastDoorbellHandled: UInt64 = 0
    private var scannedReclaimed = 0
    private var scannedStores = 0
    private var durationEndNs: Int64 = 0
    private var packetCountLowered = false

    var line: KVMInterruptLine { runner.interruptLine }

    /// Creates the VM over `memory` (whose first 2 MiB the caller reserved for the VMM), writes
    /// the frame headers into every TX buffer, loads the guest program and maps the device model
    /// at DeviceModel.mmioBase. `completionIndexGPA` is the u32 the TXStatusSink publishes.
    init(config: PathConfig, account: ThreadAccount, hypervisor: ThreadAccount, control: PipelineControl,
         tally: Tally, memory: GuestMemory, rings: GuestRings, completionIndexGPA: UInt64, model: DeviceModel,
         vmID: UInt8, station: MACAddress, peer: MACAddress, bssid: MACAddress) throws {
        self.config = config
        self.account = account
        self.hypervisor = hypervisor
        self.control = control
        self.tally = tally
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
        for i in 0..<buffers {
            let gpa = rings.txBuffers[i]
            guard gpa == rings.txBuffers[0] + UInt64(i) * stride,
                  let host = memory.hostAddress(gpa: gpa, length: GuestRings.bufferBytes) else {
                throw PipelineError.setup("TX buffer \(i) at GPA \(gpa) is not contiguous with buffer 0: the KVM guest needs equally spaced buffers")
            }
            FrameFormat.writeHeaders(into: host, payloadLength: config.size, seq: UInt32(i), source: station,
                                     destination: peer, bssid: bssid, kind: .udp)
        }
        var parameters = GuestDriverParameters(
            packetCount: config.duration == nil ? config.packets : Int(Int32.max), payloadLength: config.size,
            txBufferBase: rings.txBuffers[0], txBufferStride: stride, txBufferCount: buffers,
            txRing: rings.txRingGPA, txRingCapacity: rings.tx.capacity, completionIndex: completionIndexGPA,
            doorbellAddress: DeviceModel.mmioBase + DeviceModel.txDoorbellOffset, vmID: vmID)
        parameters.payloadOffset = FrameFormat.payloadOffset
        if let rate = config.rate { parameters.txIntervalTicks = UInt64(max(1, TSCClock.shared.hz / rate)) }

        let bus = MMIOBus()
        let vm: KVMVirtualMachine
        do {
            vm = try KVMVirtualMachine(device: config.kvmDevice, ram: ram)
            try bus.insert(busEntry, base: DeviceModel.mmioBase, length: DeviceModel.mmioLength)
            runner = try GuestDriverRunner(vm: vm, layout: layout, parameters: parameters, bus: bus,
                                           doorbellMode: doorbell, doorbellEventFD: model.kick.fd,
                                           statisticsCapacity: min(1 << 20, max(1 << 14, config.packets * 2)))
        } catch {
            throw PipelineError.setup("KVM guest: \(error)")
        }
        runner.tscHz = TSCClock.shared.hz
    }

    /// The bus's handle on this device. The runner owns the bus and this object owns the
    /// runner, so the bus must not own this object: a strong entry made a cycle that kept every
    /// KVM pipeline (tens of MB of samples) alive after its run.
    private lazy var busEntry = WeakBusDevice(self)

    // MARK: the vCPU thread

    func run() {
        account.attach()
        hypervisor.attach()
        vw_set_timer_slack(1)   // the guest's TSC-deadline waits (offered rate) are short
        if let duration = config.duration { durationEndNs = vw_monotonic_ns() + Int64(duration * 1e9) }
        runner.exitObserver = { [unowned self] reason in self.afterExit(reason) }
        if warmup == 0 { beginMeasuredRegion() }
        do {
            report = try runner.run(waitTimeoutNanoseconds: 10_000_000_000, summarizing: false)
        } catch {
            if !control.isStopping { control.fail("KVM guest: \(error)") }
        }
        runner.exitObserver = nil
        finishLastDoorbell()
        scanGuest(final: true)
        publishProgress()
        tally.senderDone.store(true, ordering: .relaxed)
        account.finish()
        hypervisor.finish()
    }

    /// After every exit, before the guest runs again (vCPU thread).
    private func afterExit(_ reason: ExitReason) -> Bool {
        if doorbell == .ioeventfd && !measuredRegion && runner.guestCount(GuestMailbox.sent) >= warmup {
            // No doorbell exit to mark the warm-up's end: the first exit after it does.
            beginMeasuredRegion()
        }
        hypervisor.follow(control)
        account.follow(control)
        scanGuest(final: false)
        publishProgress()
        if durationEndNs != 0 && !packetCountLowered && vw_monotonic_ns() >= durationEndNs {
            let sent = runner.mailbox(GuestMailbox.sent)
            if sent > UInt64(warmup) {
                // The guest re-reads packetCount every loop: it stops sending and drains.
                ram.storeU64(layout.mailbox + GuestMailbox.packetCount, sent)
                packetCountLowered = true
            }
        }
        return !control.isStopping
    }

    /// The measured region starts: exits are counted from here; every thread follows.
    private func beginMeasuredRegion() {
        guard !measuredRegion else { return }
        measuredRegion = true
        exitMark = runner.statistics.mark()
        kickMark = runner.kickLatencyCycles.count
        control.startMeasuring()
        // The user-share account last: its allocation count must not include the other's setup.
        hypervisor.follow(control)
        account.follow(control)
    }

    // MARK: the doorbell exit (BusDevice, called by the run loop during the MMIO exit)

    func read(offset: UInt64, data: UnsafeMutableRawBufferPointer) {
        // The device defines no readable register: zeros, counted.
        if let base = data.baseAddress { base.initializeMemory(as: UInt8.self, repeating: 0, count: data.count) }
        model.undefinedRegisterRead()
    }

    func write(offset: UInt64, data: UnsafeRawBufferPointer) {
        let decoded = TSC.now()
        let exited = runner.lastExitTSC
        var value: UInt64 = 0
        for i in 0..<min(data.count, 8) { value |= UInt64(data[i]) << UInt64(8 * i) }
        guard offset == DeviceModel.txDoorbellOffset else {
            model.trappedWrite(offset: offset, value: value, seq: 0, account: hypervisor)
            return
        }
        // The doorbell is a 32-bit register: a store of another width is undefined.
        guard data.count == 4 else {
            model.undefinedRegisterWrite()
            return
        }
        // The doorbell carries the ring's new producer index: this exit is packet value - 1's.
        let seq = Int(truncatingIfNeeded: value &- 1) & 0xFFFF_FFFF
        let seq32 = UInt32(truncatingIfNeeded: seq)
        hypervisor.stamp(.trapExit, seq32, tsc: exited)
        hypervisor.stamp(.decode, seq32, tsc: decoded)
        // The way out: the guest's store, the exit into KVM, KVM_RUN returning to user space.
        let stored = stamps.stamp(seq: seq, .doorbell)
        if stored != 0 && stored < exited { hypervisor.add(.ioExitHandlingAndForwarding, cycles: exited &- stored) }
        hypervisor.add(.decoding, cycles: decoded &- exited)
        model.trappedWrite(offset: offset, value: value, seq: seq32, account: hypervisor)
        let handled = hypervisor.charge(.ioExitHandlingAndForwarding, since: decoded)
        finishLastDoorbell()
        lastDoorbellSeq = seq
        lastDoorbellHandled = handled
        if seq + 1 == warmup { beginMeasuredRegion() }
    }

    /// The previous doorbell's way back (run loop, KVM_RUN, guest resumes) is known once the
    /// guest stamped it, i.e. by its next exit: charge it and record the round trip.
    private func finishLastDoorbell() {
        guard lastDoorbellSeq >= 0 else { return }
        let seq = lastDoorbellSeq
        lastDoorbellSeq = -1
        let resumed = stamps.stamp(seq: seq, .resumed)
        let stored = stamps.stamp(seq: seq, .doorbell)
        guard resumed > lastDoorbellHandled, stored != 0, resumed > stored else { return }
        hypervisor.add(.ioExitHandlingAndForwarding, cycles: resumed &- lastDoorbellHandled)
        if seq >= warmup { doorbellRoundTrips.record(resumed &- stored) }
    }

    // MARK: reading the guest's own stamps and state

    /// Records the guest ISR's reclaim stamps (the interrupt path's last stage) and, with
    /// ioeventfd, the absorbed doorbell stores' round trips. A record is reused every
    /// `stampCapacity` packets; older ones are skipped.
    private func scanGuest(final: Bool) {
        let sent = runner.guestCount(GuestMailbox.sent)
        let reclaimed = runner.guestCount(GuestMailbox.reclaimed)
        let capacity = layout.stampCapacity
        // The counts are guest input: records older than one stamp area were reused anyway, so
        // a guest that jumps its counter costs at most `capacity` iterations.
        if reclaimed - scannedReclaimed > capacity { scannedReclaimed = reclaimed - capacity }
        while scannedReclaimed < reclaimed {
            let seq = scannedReclaimed
            scannedReclaimed += 1
            guard sent - seq < capacity else { continue }
            let t = stamps.stamp(seq: seq, .reclaimed)
            if t != 0 { account.stamp(.guestISR, UInt32(truncatingIfNeeded: seq), tsc: t) }
        }
        guard doorbell == .ioeventfd else { return }
        // Packets before the last one sent have returned from their doorbell store (the guest
        // may be stopped inside the last one's).
        let returned = final ? sent : sent - 1
        if returned - scannedStores > capacity { scannedStores = returned - capacity }
        while scannedStores < returned {
            let seq = scannedStores
            scannedStores += 1
            guard seq >= warmup, sent - seq < capacity else { continue }
            let stored = stamps.stamp(seq: seq, .doorbell), resumed = stamps.stamp(seq: seq, .resumed)
            if stored != 0 && resumed > stored { doorbellRoundTrips.record(resumed &- stored) }
        }
    }

    private func publishProgress() {
        let sent = runner.guestCount(GuestMailbox.sent), reclaimed = runner.guestCount(GuestMailbox.reclaimed)
        account.progress.store(sent + reclaimed, ordering: .relaxed)
        tally.sent.store(runner.guestCount(GuestMailbox.sent), ordering: .relaxed)
        tally.txReclaimed.store(runner.guestCount(GuestMailbox.reclaimed), ordering: .relaxed)
        // Every frame the device or device model dropped completes with a non-done status.
        tally.dropped.store(runner.guestCount(GuestMailbox.badStatus), ordering: .relaxed)
    }

    // MARK: results (read after the thread was joined)

    /// Exits of the measured region by reason. Cycles: `mmio_write` = the guest-observed round
    /// trip of the doorbell store (exit to KVM, to user space, the device model's kick, back);
    /// `intr` = raise() on the device-model thread until KVM_RUN returned on this one; the other
    /// reasons = the host-observed KVM_RUN duration (guest run up to the exit, plus the exit).
    /// With ioeventfd, `mmio_write_in_kernel` is the doorbell stores KVM absorbed (guest round trip).
    func exitStatistics() -> [ExitStatistic] {
        guard let runner else { return [] }
        var rows: [ExitStatistic] = []
        for summary in runner.statistics.summaries(since: exitMark) {
            var cycles = summary.cycles
            if summary.reason == ExitReason.mmioWrite.name, let trips = doorbellRoundTrips.summary() {
                cycles = trips
            } else if summary.reason == ExitReason.interrupted.name,
                      let kicks = runner.kickLatencyCycles.summary(from: kickMark) {
                cycles = kicks
            }
            rows.append(ExitStatistic(reason: summary.reason, count: summary.cycles.count, cyclesMin: Double(cycles.min),
                                      cyclesMedian: Double(cycles.median), cyclesP99: Double(cycles.p99)))
        }
        if doorbell == .ioeventfd, let trips = doorbellRoundTrips.summary() {
            rows.append(ExitStatistic(reason: "mmio_write_in_kernel (ioeventfd)", count: trips.count,
                                      cyclesMin: Double(trips.min), cyclesMedian: Double(trips.median),
                                      cyclesP99: Double(trips.p99)))
        }
        return rows
    }

    /// What the trap backend did, for PathResult.trapReason.
    var notes: String {
        var parts = ["vCPU thread \(Self.threadName): its time in KVM guest mode (the kernel's tick-sampled guest_time) is reported as guest, the rest (KVM in the kernel, the user-space run loop) as hypervisor"]
        if doorbell == .ioeventfd {
            parts.append("doorbell absorbed in the kernel by ioeventfd: no user-space exit, so the trap_exit and decode stages are absent and doorbell -> device_model_receipt covers the in-kernel exit and the eventfd wake-up")
        } else {
            parts.append("doorbell = MMIO exit to user space, handled on the vCPU thread (trap_exit = guest publication to KVM_RUN returning)")
        }
        if let r = report {
            parts.append("interrupts \(r.interruptMechanism.rawValue): raised \(r.interruptsRaised), kicks \(r.interruptKicks), ISR entered by host \(r.isrEntriesByHost), polled by guest \(r.isrPolledByGuest), guest waits \(r.guestWaits)")
            if let isr = r.isrEntry { parts.append("ISR entry median \(isr.median) cycles") }
        }
        return parts.joined(separator: "; ")
    }
}
