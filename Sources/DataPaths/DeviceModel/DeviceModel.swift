// The virtual WiFi device model (QEMU's part in the paper): it exposes the same device as the
// physical card. On a doorbell it reads the guest's TX descriptors from guest RAM, tags them
// with the VM-ID, translates the buffer address (software: GPA -> HPA through the memslots and
// the VM's page table; IOMMU: only tags the GPA), and hands each command to the augmented host
// driver across a real system-call boundary. Completions and RX frames come back the same way;
// it writes them into the guest's rings and injects virtual interrupts, coalesced or not.
// The same model serves the thread-trap guest and the KVM guest: they differ only in how the
// doorbell arrives (TrapDevice.trappedWrite from the exit handler or the vCPU thread, or an
// ioeventfd signal), where completions go (GuestCompletionSink) and how interrupts are
// injected (VirtualInterruptSink).
import CVWiFiShim
import Measurement
import Platform
import Synchronization

package final class DeviceModel: TrapDevice, @unchecked Sendable {
    // Sound: `trappedWrite` runs on the exit handler (or vCPU thread) and only stores
    // `doorbellTail` (an atomic) and signals `kick` (an eventfd); everything else is touched by
    // the device-model thread alone.
    static package let mmioBase: UInt64 = 0xF000_0000
    static package let mmioLength: UInt64 = 0x2000
    static package let txDoorbellOffset: UInt64 = 0x30

    package let account: ThreadAccount
    package let kick: EventChannel
    private let control: PipelineControl
    private let tally: Tally
    private let config: PathConfig
    private let vmID: UInt8
    private let rings: GuestRings
    private let completions: GuestCompletionSink
    private let translator: SoftwareTranslator?
    /// The TX ring's producer index the guest last wrote to the doorbell register.
    private let doorbellTail = Atomic<UInt32>(0)
    /// True when the doorbell value reaches the model (a trapped write): it then takes only the
    /// descriptors the guest announced, as a device reading its tail register does. False with
    /// ioeventfd (the kernel passes no value): it takes whatever the ring holds.
    private let doorbellCarriesTail: Bool
    /// True for the KVM guest: the descriptor's `aux` holds the guest's TSC at publication,
    /// which the model records as the packet's `doorbell` stamp (the guest program cannot
    /// write the harness's stamp logs).
    private let stampsGuestPublication: Bool
    private var consumed: UInt32 = 0
    private let socket: Int32
    private let line: VirtualInterruptSink
    private var policy: CoalescingPolicy
    private let message: UnsafeMutableRawPointer
    private static let messageBytes = 8192
    private var lastCompletionSeq: UInt32 = 0

    package private(set) var commands = 0
    package private(set) var injections = 0
    package private(set) var rejected = 0
    package private(set) var rxDropped = 0
    package private(set) var doorbells = 0
    /// Descriptors refused, by `DropReason` raw value (preallocated: counted on the hot path).
    package private(set) var rejections = [Int](repeating: 0, count: DropReason.allCases.count)
    /// Doorbells after which the ring held nothing new (a flood, or kicks merged by the eventfd).
    package private(set) var spuriousDoorbells = 0
    /// Commands handed to the host driver whose status has not come back: each has a slot
    /// reserved in the guest's completion ring.
    private var inFlight = 0
    /// A lower bound on the completion ring's free slots (its last reading, minus the posts
    /// since): the shared header is re-read only when the bound says there may be no room.
    private var knownFree = 0
    /// Drains that left TX descriptors in the guest's ring because its completion ring had no
    /// room for their completions: the guest stopped consuming completions (an honest guest
    /// never gets here: it owns fewer buffers than its completion ring has slots). The model
    /// takes them after the guest reaps and rings again; other VMs are not affected.
    package private(set) var completionRingFullDeferrals = 0
    /// Doorbell values naming a tail more than a ring away from what the model consumed
    /// (atomic: a hostile-guest test waits on it before the guest's next doorbell overwrites
    /// the register).
    package let doorbellTailsRefused = Atomic<Int>(0)
    /// Guest writes to offsets (or with widths) the device does not define; written by the
    /// exit handler or vCPU thread, hence atomic.
    private let undefinedWrites = Atomic<Int>(0)
    private let undefinedReads = Atomic<Int>(0)
    package var undefinedRegisterWrites: Int { undefinedWrites.load(ordering: .relaxed) }
    package var undefinedRegisterReads: Int { undefinedReads.load(ordering: .relaxed) }
    /// Producer indices of the guest's TX ring the model refused (hostile guest).
    package var ringIndicesOutOfRange: Int {
        rings.tx.rejectedProducerIndices + rings.rxFree.rejectedProducerIndices
            + doorbellTailsRefused.load(ordering: .relaxed)
    }

    /// TX descriptors the guest announced (doorbell) or, with ioeventfd, published and the model
    /// has not taken yet. Read by the watchdog from its own thread: the doorbell value is atomic
    /// and the ring's consumer index lives in the shared header (released after every pop).
    package var descriptorsWaiting: Int {
        guard doorbellCarriesTail else { return rings.tx.count }
        let consumedIndex = rings.tx.sharedConsumerIndex
        let announced = doorbellTail.load(ordering: .acquiring) &- consumedIndex
        return announced <= UInt32(rings.tx.capacity) ? Int(announced) : 0
    }

    /// The host driver has completions or frames waiting on the model's socket.
    package var hostMessagesWaiting: Bool { StallWatch.readable(socket) }

    package init(config: PathConfig, account: ThreadAccount, control: PipelineControl, tally: Tally, vmID: UInt8,
         rings: GuestRings, completions: GuestCompletionSink, translator: SoftwareTranslator?, socket: Int32,
         line: VirtualInterruptSink, doorbellCarriesTail: Bool = true, stampsGuestPublication: Bool = false) throws {
        self.config = config
        self.completions = completions
        self.doorbellCarriesTail = doorbellCarriesTail
        self.stampsGuestPublication = stampsGuestPublication
        self.account = account
        self.control = control
        self.tally = tally
        self.vmID = vmID
        self.rings = rings
        self.translator = translator
        self.socket = socket
        self.line = line
        kick = try EventChannel()
        policy = CoalescingPolicy(threshold: config.coalesceDeviceModel,
                                  timeoutNs: Int64(config.coalesceDeviceModelTimeoutUs * 1000))
        message = .allocate(byteCount: Self.messageBytes, alignment: 64)
    }

    deinit { message.deallocate() }

    /// The guest wrote a register of the virtual device (runs on the exit handler thread, or
    /// on the vCPU thread during a KVM exit). The TX doorbell carries the ring's new tail.
    package func trappedWrite(offset: UInt64, value: UInt64, seq: UInt32, account: ThreadAccount) {
        guard offset == Self.txDoorbellOffset else {
            // No other register is defined: ignored and counted, as hardware drops such writes.
            undefinedWrites.add(1, ordering: .relaxed)
            return
        }
        doorbellTail.store(UInt32(truncatingIfNeeded: value), ordering: .releasing)
        kick.signal(1)
    }

    /// A guest access the device does not define other than a write at an unknown offset
    /// (a doorbell store of the wrong width): ignored and counted.
    package func undefinedRegisterWrite() { undefinedWrites.add(1, ordering: .relaxed) }

    /// A guest read of a register: the device defines no readable register, so reads return
    /// zeros (the caller fills them) and are counted.
    package func undefinedRegisterRead() { undefinedReads.add(1, ordering: .relaxed) }

    package func run() {
        account.attach()
        var kicked: Int32 = 0, fromHost: Int32 = 0
        while !control.isStopping {
            account.follow(control)
            var timeoutMs: Int32 = 100
            if policy.pending > 0, let deadline = policy.deadlineNs {
                let left = deadline - vw_monotonic_ns()
                if left <= 0 { flushCoalesced(); continue }
                timeoutMs = Int32(max(1, (left + 999_999) / 1_000_000))
            }
            let r = vw_poll2(kick.fd, socket, timeoutMs, &kicked, &fromHost)
            if r < 0 { continue }
            if kicked != 0 {
                _ = kick.wait(timeoutMs: 0)
                doorbells += 1
                drainGuestTX()
            }
            if fromHost != 0 { drainHost() }
        }
        account.finish()
    }

    // MARK: TX: guest ring -> host driver

    package func drainGuestTX() {
        var d = Descriptor()
        let tail = doorbellTail.load(ordering: .acquiring)
        if doorbellCarriesTail && tail &- consumed > UInt32(rings.tx.capacity) {
            // The guest announced a tail more than a ring away: refuse the value, take nothing
            // on its word (a later valid doorbell picks up whatever was really published).
            doorbellTailsRefused.add(1, ordering: .relaxed)
            return
        }
        let before = consumed
        var deferred = false
        defer { if consumed == before && !deferred { spuriousDoorbells += 1 } }
        while !doorbellCarriesTail || consumed != tail {
            // Room for this descriptor's completion beyond the slots reserved for commands in flight.
            guard hasCompletionRoom() else {
                deferred = !rings.tx.isEmpty
                if deferred { completionRingFullDeferrals += 1 }
                return
            }
            guard rings.tx.tryPop(into: &d) else { return }
            consumed &+= 1
            account.advance()
            let start = TSC.now()
            if stampsGuestPublication && d.aux != 0 && d.aux <= start { account.stamp(.doorbell, d.seq, tsc: d.aux) }
            account.stamp(.deviceModelReceipt, d.seq, tsc: start)
            var command = d
            command.vmID = vmID  // the guest never chooses its VM-ID
            guard d.length > 0, Int(d.length) <= GuestRings.bufferBytes else {
                reject(d, .descriptorBadLength)
                continue
            }
            let decoded = account.charge(.decoding, since: start)
            if let translator {
                guard let t = translator.translate(gpa: d.addr, length: Int(d.length)) else {
                    reject(d, .descriptorOutsideGuestMemory)
                    continue
                }
                command.addr = UInt64(UInt(bitPattern: t.host))
                command.aux = t.hostPhysical
                command.flags = DescriptorFlag.hostAddress
            } else {
                // The tag keeps only a GPA's low 35 bits: an address at or past the VM's 32 GiB
                // window would alias into the VM's own RAM instead of faulting (a fuzz-target invariant).
                guard d.addr < IOMMU.windowBytes, IOMMU.windowBytes - d.addr >= UInt64(d.length) else {
                    reject(d, .descriptorOutsideGuestMemory)
                    continue
                }
                command.addr = IOMMU.tag(gpa: d.addr, vmID: vmID)
                command.flags = DescriptorFlag.tagged
            }
            let translated = account.charge(.addressTranslation, since: decoded)
            account.stamp(.translation, d.seq, tsc: translated)
            // Stamped as the system call starts: the host driver may run before it returns.
            account.stamp(.handoffToHostDriver, d.seq)
            let sent = withUnsafeBytes(of: &command) {
                SocketCalls.send(socket, $0.baseAddress, $0.count, account: account, control: control)
            }
            guard sent == MemoryLayout<Descriptor>.size else {
                if !control.isStopping { control.fail("device model could not hand a command to the host driver (\(sent))") }
                return
            }
            commands += 1
            inFlight += 1
        }
    }

    /// A descriptor the device model refuses: completed at once as dropped.
    private func reject(_ d: Descriptor, _ reason: DropReason) {
        rejected += 1
        rejections[Int(reason.rawValue)] += 1
        var c = d
        c.kind = DescriptorKind.txStatus.rawValue
        c.flags |= DescriptorFlag.dropped
        c.status = reason.rawValue
        complete(c)
    }

    // MARK: completions and RX: host driver -> guest

    private func drainHost() {
        while true {
            let start = TSC.now()
            let n = vw_recv(socket, message, Self.messageBytes, 1)
            let received = account.charge(.systemCalls, since: start)
            if n < MemoryLayout<Descriptor>.size { return }
            account.advance()
            let d = message.loadUnaligned(as: Descriptor.self)
            if d.kind == DescriptorKind.txStatus.rawValue {
                inFlight = max(0, inFlight - 1)
                var c = d
                // Give the guest its own GPA back, not the host's view of it.
                c.addr = rings.txBuffers[Int(d.bufferID) % rings.txBuffers.count]
                complete(c)
            } else if d.kind == DescriptorKind.rxFrame.rawValue {
                deliverRX(d, frame: message + MemoryLayout<Descriptor>.size,
                          length: n - MemoryLayout<Descriptor>.size, since: received)
            }
        }
    }

    package func deliverRX(_ d: Descriptor, frame: UnsafeRawPointer, length: Int, since start: UInt64) {
        var buffer = Descriptor()
        guard hasCompletionRoom() else {
            rejections[Int(DropReason.guestStoppedConsumingCompletions.rawValue)] += 1
            tally.add(tally.dropped)
            return
        }
        guard rings.rxFree.tryPop(into: &buffer) else {
            rxDropped += 1
            tally.add(tally.dropped)
            return
        }
        // The guest posted this buffer: its length and address are guest input.
        guard length > 0, Int(buffer.length) >= length else {
            rejections[Int(DropReason.descriptorBadLength.rawValue)] += 1
            tally.add(tally.dropped)
            return
        }
        guard let target = rings.memory.hostAddress(gpa: buffer.addr, length: length) else {
            rejections[Int(DropReason.descriptorOutsideGuestMemory.rawValue)] += 1
            tally.add(tally.dropped)
            return
        }
        target.copyMemory(from: frame, byteCount: length)
        let copied = account.charge(.packetCopies, since: start)
        account.stamp(.rxGuestCopy, d.seq, tsc: copied)
        var c = buffer
        c.kind = DescriptorKind.rxFrame.rawValue
        c.seq = d.seq
        c.length = UInt32(length)
        c.vmID = 0
        complete(c)
    }

    /// Room in the guest's completion ring for one more completion beyond those reserved.
    @inline(__always) private func hasCompletionRoom() -> Bool {
        if knownFree > inFlight { return true }
        knownFree = completions.freeSlots
        return knownFree > inFlight
    }

    private func complete(_ c: Descriptor) {
        knownFree -= 1
        guard completions.post(c) else {
            control.fail("the guest driver could not take a completion (kind \(c.kind), seq \(c.seq)): its completion ring overflowed or it has no such path")
            return
        }
        lastCompletionSeq = c.seq
        control.bump()
        if policy.completion(nowNs: vw_monotonic_ns()) { inject() }
    }

    /// The coalescing hold-off timer fired: its handling is timer management (Table 1).
    private func flushCoalesced() {
        let start = TSC.now()
        let fire = policy.timerExpired(nowNs: vw_monotonic_ns())
        account.charge(.timers, since: start)
        if fire { inject() }
    }

    private func inject() {
        let start = TSC.now()
        account.stamp(.virtualIRQInjection, lastCompletionSeq, tsc: start)
        line.inject(seq: lastCompletionSeq)
        injections += 1
        account.charge(.virtualIRQDelivery, since: start)
    }
}
