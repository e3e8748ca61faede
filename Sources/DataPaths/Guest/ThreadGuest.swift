// The guest side of a VM path on one thread: the application and guest network stack above,
// the guest's native WiFi driver below. The same driver runs on passthrough (its doorbell is
// the physical device's register, mapped into the guest) and vwifi (its doorbell traps).
import CVWiFiShim
import Measurement
import Platform
final class ThreadGuest: PipelineComponent, @unchecked Sendable {
    // SAFETY: all mutable state is touched only by the guest thread; the executor reads it after join.
    package let context: ComponentContext
    private let rings: GuestRings
    let line: ThreadInterruptLine
    private let doorbell: GuestDoorbell
    private let station: MACAddress
    private let peer: MACAddress
    private let bssid: MACAddress
    private let appBuffer: UnsafeMutableRawPointer
    private var freeTx: [UInt16]
    private var freeTxCount: Int
    private let txHosts: [UnsafeMutableRawPointer]
    private var received: AccessPoint
    private let pingSentAt: UnsafeMutablePointer<UInt64>
    private let plannedPings: Int
    /// The VM's trapping timer register, for the idle workload's tick.
    private let timerTrap: ThreadTrap?
    private(set) var ticks = 0

    /// Packets handed to the ring so far; the frame's sequence number is `seqBase + nextSeq`.
    private var nextSeq: UInt32 = 0
    /// First sequence number of this VM's space (VM k of a multi-VM pipeline starts at k x stride).
    private let seqBase: UInt32
    /// Guests sharing the pipeline: the last to finish sending marks the run's sender done.
    private let senders: Int
    private var finishedSending = false
    /// Times the guest had a packet due but its TX ring (or buffer pool) was full: back-pressure.
    private(set) var txRingFullWaits = 0
    private(set) var txCompleted = 0
    private(set) var txDroppedByDevice = 0
    private(set) var rxDelivered = 0
    private(set) var rttCycles: [UInt64] = []
    private var startNs: Int64 = 0
    /// The last echo request is outstanding since `lastRequestNs`.
    private var awaitingReply = false
    private var lastRequestNs: Int64 = 0
    /// Echo requests whose reply did not come within the ping timeout.
    private(set) var pingTimeouts = 0

    init(context: ComponentContext, rings: GuestRings,
         line: ThreadInterruptLine, doorbell: GuestDoorbell, station: MACAddress, peer: MACAddress,
         bssid: MACAddress, expectedFrames: Int, timerTrap: ThreadTrap?, seqBase: UInt32 = 0,
         senders: Int = 1) throws {
        let config = context.config
        self.timerTrap = timerTrap
        self.seqBase = seqBase
        self.senders = senders
        self.context = context
        self.rings = rings
        self.line = line
        self.doorbell = doorbell
        self.station = station
        self.peer = peer
        self.bssid = bssid
        // SAFETY: appBuffer and pingSentAt are owned by this guest and freed once in deinit; the app
        // writes at most maxPayload (< bufferBytes) bytes, and ping indices stay < plannedPings.
        appBuffer = .allocate(byteCount: GuestRings.bufferBytes, alignment: 64)
        freeTx = (0..<rings.txBuffers.count).reversed().map { UInt16($0) }
        freeTxCount = freeTx.count
        txHosts = try rings.txBuffers.map { gpa in
            guard let h = rings.memory.hostAddress(gpa: gpa, length: GuestRings.bufferBytes) else {
                throw PipelineError.setup("TX buffer GPA \(gpa) outside guest memory")
            }
            return h
        }
        received = AccessPoint(capacity: expectedFrames, warmup: config.warmupPackets)
        plannedPings = config.workload == .ping ? config.pingCount : 0
        // SAFETY: see appBuffer above: owned here, freed in deinit; indexed only below plannedPings.
        pingSentAt = .allocate(capacity: max(1, plannedPings))
        pingSentAt.initialize(repeating: 0, count: max(1, plannedPings))
        rttCycles.reserveCapacity(plannedPings)
    }

    deinit {
        // SAFETY: frees the blocks from init, once; the guest thread has been joined.
        appBuffer.deallocate()
        pingSentAt.deallocate()
    }

    private var sendsFrames: Bool { config.workload == .ping || (config.workload == .udp && config.direction.sends) }
    private var receivesFrames: Bool { config.workload == .ping || (config.workload == .udp && config.direction.receives) }
    private var payloadBytes: Int { config.workload == .ping ? PingWorkload.payloadBytes : config.size }
    private var frameKind: FrameKind { config.workload == .ping ? .echoRequest : .udp }

    func run() {
        startNs = vw_monotonic_ns()
        if receivesFrames {
            postReceiveBuffers()
            tally.receiverReady.store(true, ordering: .releasing)
        }
        if !sendsFrames { control.startMeasuring() }
        if config.workload == .idle { armTimer() }
        runLoop {
            if let cause = line.take() {
                account.stamp(.guestISR, cause)
                serviceInterrupt()
                if config.workload == .idle {
                    ticks += 1
                    armTimer()
                }
                return
            }
            let now = vw_monotonic_ns()
            if let wait = sendIfDue(now: now) {
                halt(forNs: wait)
            }
        }
    }

    /// Sends one packet when one is due; otherwise returns how long the guest may halt.
    private func sendIfDue(now: Int64) -> Int64? {
        guard sendsFrames, !finishedSending else { return 100_000_000 }
        if senderFinished(now: now) {
            finishedSending = true
            if tally.sendersFinished.add(1, ordering: .relaxed).newValue >= senders {
                tally.senderDone.store(true, ordering: .relaxed)
            }
            return 100_000_000
        }
        if config.workload == .ping {
            let seq = Int(nextSeq)
            // One echo outstanding at a time, spaced by the ping interval; a reply that does not
            // come within the timeout is lost (a frame dropped at the retry limit never comes).
            if awaitingReply {
                let timeout = Int64(config.pingTimeoutMs * 1e6), waited = now - lastRequestNs
                if waited < timeout { return timeout - waited }
                awaitingReply = false
                pingTimeouts += 1
            }
            let due = startNs + Int64(Double(seq) * config.pingIntervalMs * 1e6)
            if now < due { return due - now }
        } else if let rate = config.rate {
            let due = startNs + Int64(Double(nextSeq) / rate * 1e9)
            if now < due { return due - now }
        }
        guard freeTxCount > 0, !rings.tx.isFull else {
            txRingFullWaits += 1
            return 100_000_000
        }
        sendOne()
        return nil
    }

    /// The guest's tick handler re-arms its one-shot timer: a write to a trapping register.
    private func armTimer() {
        guard let timerTrap else { return }
        let period = Int64(1e9 / Double(config.timerHz))
        timerTrap.write(address: VMTimer.base, value: UInt64(vw_monotonic_ns() + period), width: 8,
                        seq: UInt32(truncatingIfNeeded: ticks))
    }

    private func senderFinished(now: Int64) -> Bool {
        if config.workload == .ping { return Int(nextSeq) >= plannedPings }
        if let d = config.duration { return now - startNs >= Int64(d * 1e9) && Int(nextSeq) > config.warmupPackets }
        return Int(nextSeq) >= config.packets
    }

    private func sendOne() {
        let count = nextSeq
        let seq = seqBase &+ count
        nextSeq &+= 1
        freeTxCount -= 1
        let buffer = freeTx[freeTxCount]
        let host = txHosts[Int(buffer)]
        let payload = payloadBytes
        // The application writes its data; the guest stack copies it into a driver buffer
        // behind the headers it builds.
        FrameFormat.writePayload(into: appBuffer, length: payload, seq: seq)
        let headers = FrameFormat.writeHeaders(into: host, payloadLength: payload, seq: seq, source: station,
                                               destination: peer, bssid: bssid, kind: frameKind)
        // SAFETY: bounds: headers + payload (<= PathConfig.maxPayload) fit the 4096-byte TX buffer, which
        // is guest RAM the guest owns until it publishes the descriptor; appBuffer holds >= payload bytes.
        (host + headers).copyMemory(from: appBuffer, byteCount: payload)
        var d = Descriptor()
        d.addr = rings.txBuffers[Int(buffer)]
        d.length = UInt32(headers + payload)
        d.seq = seq
        d.kind = DescriptorKind.tx.rawValue
        d.bufferID = buffer
        if config.workload == .ping {
            pingSentAt[Int(count)] = TSC.now()
            awaitingReply = true
            lastRequestNs = vw_monotonic_ns()
        }
        if Int(count) == config.warmupPackets { control.startMeasuring() }
        // Stamped before publication: the device (or device model) may take it at once.
        let now = TSC.now()
        account.stamp(.doorbell, seq, tsc: now)
        if doorbell.reachesDevice { account.stamp(.queuedToDevice, seq, tsc: now) }
        _ = rings.tx.push(d)
        tally.add(tally.sent)
        account.advance()
        // The tail register takes the ring's producer index, as a real driver writes it.
        doorbell.ring(tail: rings.tx.producerPosition, seq: seq)
    }

    private func serviceInterrupt() {
        var d = Descriptor()
        while rings.completions.tryPop(into: &d) {
            account.advance()
            if d.kind == DescriptorKind.txStatus.rawValue {
                freeTx[freeTxCount] = d.bufferID
                freeTxCount += 1
                txCompleted += 1
                if d.flags & DescriptorFlag.dropped != 0 {
                    txDroppedByDevice += 1
                    tally.add(tally.dropped)
                }
                tally.add(tally.txReclaimed)
            } else if d.kind == DescriptorKind.rxFrame.rawValue {
                deliver(d)
            }
        }
    }

    private func deliver(_ d: Descriptor) {
        guard let frame = rings.memory.hostAddress(gpa: d.addr, length: Int(d.length)) else {
            control.fail("device completed RX into GPA \(d.addr) outside guest memory")
            return
        }
        switch received.accept(frame: frame, length: Int(d.length), nowNs: vw_monotonic_ns()) {
        case .corrupt(let reason):
            control.fail("guest received a corrupted frame (seq \(d.seq)): \(reason)")
        case .duplicate(let seq):
            control.fail("guest received frame seq \(seq) twice")
        case .fresh(let seq, let kind, _):
            account.stamp(.rxDelivery, seq)
            rxDelivered += 1
            if kind == .echoReply {
                if Int(seq) < plannedPings && pingSentAt[Int(seq)] != 0 {
                    rttCycles.append(TSC.now() &- pingSentAt[Int(seq)])
                }
                if seq == seqBase &+ nextSeq &- 1 { awaitingReply = false }
                tally.add(tally.echoes)
            } else {
                tally.add(tally.rxDelivered)
            }
        }
        // Give the buffer back to the device.
        var again = d
        again.kind = DescriptorKind.rx.rawValue
        again.length = UInt32(GuestRings.bufferBytes)
        again.flags = 0
        _ = rings.rxFree.push(again)
    }

    private func postReceiveBuffers() {
        for (i, gpa) in rings.rxBuffers.enumerated() {
            var d = Descriptor()
            d.addr = gpa
            d.length = UInt32(GuestRings.bufferBytes)
            d.kind = DescriptorKind.rx.rawValue
            d.bufferID = UInt16(i)
            guard rings.rxFree.tryPush(d) else { break }
        }
        rings.rxFree.publish()
    }

    /// The guest has nothing to do: it halts until an interrupt (or its next send time).
    private func halt(forNs ns: Int64) {
        let token = line.notifier.prepare()
        if let cause = line.take() {
            // An injection raced with the decision to halt: take the interrupt now.
            account.stamp(.guestISR, cause)
            serviceInterrupt()
            return
        }
        _ = line.notifier.wait(after: token, spinIterations: 50, timeoutNs: max(1_000, ns))
    }

    /// Completions and RX frames waiting in the guest's completion ring (the watchdog asks).
    var completionsWaiting: Int { rings.completions.count }

    var measuredRxBytes: Int { received.bytesMeasured }
    var measuredRxCount: Int { received.measuredDelivered }
    var measuredRxSpanNs: Int64 { received.lastMeasuredNs - received.firstMeasuredNs }
}
