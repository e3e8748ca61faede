// The WiFi device: its μCode thread takes TX descriptors, DMAs the frame (through the IOMMU when
// the descriptor holds a guest address), checks the sender's MAC against the per-VM state, puts
// the frame on the air (the only simulated physics: 802.11 air-time pacing), hands it to the
// access point, and reports completions with (optionally coalesced) physical interrupts. It also
// receives frames from the access point into posted RX buffers.
//
// This thread stands for hardware: its CPU is reported as `device`, never as host CPU.
import CVWiFiShim
import Measurement
import Platform
final class PhysicalDevice: @unchecked Sendable {
    // Sound: after `start`, every field is touched only by the device thread; the executor reads
    // the counters after joining it.
    let account: ThreadAccount
    private let control: PipelineControl
    private let tally: Tally
    private let wiring: DeviceWiring
    private let vms: VMTable
    private let pacer: AirPacer
    private var policy: CoalescingPolicy
    private var ap: AccessPoint
    private let staging: UnsafeMutableRawPointer
    private static let stagingBytes = 8192
    private let config: PathConfig
    private let station: MACAddress
    private let bssid: MACAddress
    private let stationVMID: UInt8

    // RX stream from the access point.
    private var rxRemaining: Int
    private var rxSeq: UInt32 = 0
    private var rxStartNs: Int64 = 0
    // Echo replies waiting for the air.
    private var replySeqs: [UInt32]
    private var replyHead = 0
    private var replyTail = 0

    private(set) var framesTransmitted = 0
    private(set) var framesReceived = 0
    private(set) var interruptsRaised = 0
    private(set) var drops = [Int](repeating: 0, count: DropReason.allCases.count)
    private(set) var lastIRQSeq: UInt32 = 0
    /// Frames the access point accepted, by the sending VM's ID (the tag or command VM-ID the
    /// device trusted), all and after warm-up; preallocated for every possible VM-ID.
    private(set) var deliveredBySender = [Int](repeating: 0, count: 256)
    private(set) var measuredBySender = [Int](repeating: 0, count: 256)
    private(set) var measuredBytesBySender = [Int](repeating: 0, count: 256)
    /// Access-point time of each sender's first and last measured frame.
    private(set) var firstMeasuredNsBySender = [Int64](repeating: 0, count: 256)
    private(set) var lastMeasuredNsBySender = [Int64](repeating: 0, count: 256)
    private let seqStride: UInt32
    /// True while frames keep arriving before the medium frees: no idle wait since the last one.
    private var backToBack = false

    init(config: PathConfig, account: ThreadAccount, control: PipelineControl, tally: Tally, wiring: DeviceWiring,
         vms: VMTable, station: MACAddress, bssid: MACAddress, stationVMID: UInt8, expectedFrames: Int,
         senders: Int = 1, seqStride: UInt32 = .max) {
        self.config = config
        self.seqStride = max(1, seqStride)
        self.account = account
        self.control = control
        self.tally = tally
        self.wiring = wiring
        self.vms = vms
        self.station = station
        self.bssid = bssid
        self.stationVMID = stationVMID
        let model: AirTimeModel? = config.air == .none ? nil
            : AirTimeModel.ieee80211g(slot: config.slot == .short ? .short : .long)
        pacer = AirPacer(model: model)
        policy = CoalescingPolicy(threshold: config.coalesceDevice,
                                  timeoutNs: Int64(config.coalesceDeviceTimeoutUs * 1000))
        ap = AccessPoint(capacity: expectedFrames * max(1, senders), warmup: config.warmupPackets, stride: self.seqStride)
        staging = .allocate(byteCount: Self.stagingBytes, alignment: 64)
        staging.initializeMemory(as: UInt8.self, repeating: 0, count: Self.stagingBytes)
        rxRemaining = (config.workload == .udp && config.direction == .rx) ? config.packets : 0
        replySeqs = [UInt32](repeating: 0, count: 1024)
    }

    deinit { staging.deallocate() }

    var delivered: Int { ap.delivered }
    var measuredDelivered: Int { ap.measuredDelivered }
    var measuredBytes: Int { ap.bytesMeasured }
    var measuredSpanNs: Int64 { ap.lastMeasuredNs - ap.firstMeasuredNs }

    func run() {
        account.attach()
        vw_set_timer_slack(1)
        rxStartNs = vw_monotonic_ns()
        var d = Descriptor()
        while !control.isStopping {
            account.follow(control)
            var worked = false
            if wiring.txRing.tryPop(into: &d) {
                transmit(d)
                worked = true
            } else if replyHead != replyTail {
                receiveEchoReply()
                worked = true
            } else if rxRemaining > 0 && rxDue() {
                receiveStreamFrame()
                worked = true
            }
            let now = vw_monotonic_ns()
            if policy.pending > 0, let deadline = policy.deadlineNs, now >= deadline,
               policy.timerExpired(nowNs: now) {
                raiseInterrupt()
            }
            if worked { account.advance() } else { idle(now: now) }
        }
        account.finish()
    }

    /// Offered RX rate: frames are due at start + i/rate; saturating means always due.
    private func rxDue() -> Bool {
        guard let rate = config.rate else { return true }
        let due = rxStartNs + Int64(Double(rxSeq) / rate * 1e9)
        return vw_monotonic_ns() >= due
    }

    private func idle(now: Int64) {
        backToBack = false
        let token = wiring.doorbell.prepare()
        if !wiring.txRing.isEmpty || control.isStopping { return }
        var timeout: Int64 = 100_000_000
        if policy.pending > 0, let deadline = policy.deadlineNs { timeout = min(timeout, max(0, deadline - now)) }
        if rxRemaining > 0, let rate = config.rate {
            let due = rxStartNs + Int64(Double(rxSeq) / rate * 1e9)
            timeout = min(timeout, max(0, due - now))
        }
        if timeout == 0 { return }
        _ = wiring.doorbell.wait(after: token, spinIterations: 100, timeoutNs: timeout)
    }

    // MARK: TX

    func transmit(_ d: Descriptor) {
        account.stamp(.deviceDequeue, d.seq)
        let length = Int(d.length)
        guard length > 0, length + FrameFormat.fcsBytes <= Self.stagingBytes else {
            complete(d, dropped: .badDescriptor)
            return
        }
        guard let source = dmaAddress(d, length: length, write: false) else {
            let hostBuffer = wiring.owner == .hostDriver && d.flags & DescriptorFlag.hostAddress != 0
            complete(d, dropped: hostBuffer ? .translationFault : .iommuFault)
            return
        }
        let vmID = sender(of: d)
        // DMA: the frame moves from host or guest memory into the device.
        staging.copyMemory(from: source, byteCount: length)
        guard vms.sourceMatches(vmID: vmID, frame: staging) else {
            complete(d, dropped: .txSourceMACNotVMs)
            return
        }
        // The device computes the frame check sequence in hardware as the frame goes out.
        let onAir = FrameFormat.appendFCS(frame: staging, length: length)
        // The frame reaches the access point when its exchange ends on the air (the pacer's
        // deadline), not when this thread wakes up after it: wake-up jitter is not air time.
        let now = pacer.transmit(mpduBytes: onAir, readySinceNs: backToBack ? pacer.mediumFreeNs : nil)
        backToBack = true
        account.stamp(.air, d.seq)
        framesTransmitted += 1
        switch ap.accept(frame: staging, length: onAir, nowNs: now) {
        case .corrupt(let reason):
            control.fail("frame seq \(d.seq) reached the access point corrupted: \(reason)")
            return
        case .duplicate(let seq):
            control.fail("frame seq \(seq) reached the access point twice")
            return
        case .fresh(let seq, let kind, let payload):
            if kind == .echoRequest { queueEchoReply(seq) }
            let v = Int(vmID)
            deliveredBySender[v] += 1
            if seq % seqStride >= ap.warmup {
                if measuredBySender[v] == 0 { firstMeasuredNsBySender[v] = now }
                measuredBySender[v] += 1
                measuredBytesBySender[v] += payload
                lastMeasuredNsBySender[v] = now
            }
        }
        complete(d, dropped: .none)
    }

    /// Which VM a TX descriptor speaks for: on a guest's own ring, that VM, whatever the
    /// descriptor says; on the host driver's ring, the tag the device model put in the address
    /// bits (IOMMU) or the VM-ID it put in the command (software translation). Untagged host
    /// commands are the station's own.
    private func sender(of d: Descriptor) -> UInt8 {
        switch wiring.owner {
        case .guest(let vmID):
            return vmID
        case .hostDriver:
            if d.flags & DescriptorFlag.tagged != 0 { return IOMMU.vmID(ofTagged: d.addr) }
            return d.vmID == 0 ? stationVMID : d.vmID
        }
    }

    /// The host address the device's DMA engine reaches for `d`'s buffer, or nil (a fault).
    /// A guest-written descriptor is a GPA of its VM and goes through that VM's IOMMU domain:
    /// its flags are guest input and select nothing. An address at or past the VM's 32 GiB
    /// window faults (tagging keeps only the low 35 bits, which would alias into the VM's RAM).
    private func dmaAddress(_ d: Descriptor, length: Int, write: Bool) -> UnsafeMutableRawPointer? {
        let tagged: UInt64
        switch wiring.owner {
        case .guest(let vmID):
            guard d.addr < IOMMU.windowBytes, IOMMU.windowBytes - d.addr >= UInt64(length) else {
                wiring.iommu?.recordFault()
                return nil
            }
            tagged = IOMMU.tag(gpa: d.addr, vmID: vmID)
        case .hostDriver:
            // SAFETY: the host driver put this address in its own ring: one of its DMA buffers,
            // or a guest buffer the device model translated and bounds-checked for this length.
            if d.flags & DescriptorFlag.hostAddress != 0 { return UnsafeMutableRawPointer(bitPattern: UInt(d.addr)) }
            guard d.flags & DescriptorFlag.tagged != 0 else { return nil }
            tagged = d.addr
        }
        guard let iommu = wiring.iommu else { return nil }
        return iommu.translate(taggedAddress: tagged, length: length, write: write)
    }

    private func complete(_ d: Descriptor, dropped reason: DropReason) {
        var c = d
        c.kind = DescriptorKind.txStatus.rawValue
        c.status = reason.rawValue
        if reason != .none {
            c.flags |= DescriptorFlag.dropped
            drops[Int(reason.rawValue)] += 1
        }
        postCompletion(c)
    }

    private func postCompletion(_ c: Descriptor) {
        // The completion ring has a slot for every TX and RX buffer, so it cannot overflow
        // unless a driver breaks the protocol.
        guard wiring.completions.push(c) else {
            control.fail("device completion ring overflowed: a driver posted more buffers than the ring holds")
            return
        }
        control.bump()
        if policy.completion(nowNs: vw_monotonic_ns()) {
            lastIRQSeq = c.seq
            raiseInterrupt()
        } else {
            lastIRQSeq = c.seq
        }
    }

    private func raiseInterrupt() {
        account.stamp(.irqRaise, lastIRQSeq)
        interruptsRaised += 1
        wiring.irq.raise(seq: lastIRQSeq)
    }

    // MARK: RX

    private func queueEchoReply(_ seq: UInt32) {
        let next = (replyTail + 1) % replySeqs.count
        guard next != replyHead else { return }
        replySeqs[replyTail] = seq
        replyTail = next
    }

    private func receiveEchoReply() {
        let seq = replySeqs[replyHead]
        replyHead = (replyHead + 1) % replySeqs.count
        receive(seq: seq, payload: PingWorkload.payloadBytes, kind: .echoReply, readySinceNs: nil)
    }

    /// The access point sends the RX stream's next frame (the device thread's loop; tests call it).
    func receiveStreamFrame() {
        let seq = rxSeq
        rxSeq &+= 1
        rxRemaining -= 1
        // The access point has the next frame ready when the medium frees (saturating), or at
        // its offered time.
        let ready = config.rate.map { rxStartNs + Int64(Double(seq) / $0 * 1e9) } ?? pacer.mediumFreeNs
        receive(seq: seq, payload: config.size, kind: .udp, readySinceNs: ready)
    }

    /// A frame from the access point: it occupies the air, then the device matches its
    /// destination to a VM and DMAs it into a posted buffer.
    private func receive(seq: UInt32, payload: Int, kind: FrameKind, readySinceNs: Int64?) {
        let length = FrameFormat.writeFrame(into: staging, capacity: Self.stagingBytes, payloadLength: payload,
                                            seq: seq, source: Stations.peer, destination: station, bssid: bssid,
                                            kind: kind, direction: .fromAP)
        pacer.transmit(mpduBytes: length, readySinceNs: readySinceNs)
        account.stamp(.rxAir, seq)
        framesReceived += 1
        let destination = FrameFormat.destinationMAC(frame: staging)
        guard let vmID = vms.vmID(forDestination: destination) else {
            drops[Int(DropReason.rxUnmatchedDestination.rawValue)] += 1
            tally.add(tally.dropped)
            return
        }
        var buffer = Descriptor()
        guard wiring.rxFree.tryPop(into: &buffer) else {
            drops[Int(DropReason.rxNoBuffer.rawValue)] += 1
            tally.add(tally.dropped)
            control.bump()
            return
        }
        guard Int(buffer.length) >= length, let target = dmaAddress(buffer, length: length, write: true) else {
            drops[Int(DropReason.iommuFault.rawValue)] += 1
            tally.add(tally.dropped)
            wiring.rxFree.publish()
            return
        }
        target.copyMemory(from: staging, byteCount: length)
        account.stamp(.rxDMA, seq)
        var c = buffer
        c.kind = DescriptorKind.rxFrame.rawValue
        c.seq = seq
        c.vmID = vmID
        c.length = UInt32(length)
        c.status = 0
        postCompletion(c)
    }

    var dropCounts: [String: Int] {
        var out: [String: Int] = [:]
        for r in DropReason.allCases where r != .none && drops[Int(r.rawValue)] > 0 { out[r.name] = drops[Int(r.rawValue)] }
        return out
    }

    /// TX descriptors queued for the device and not yet taken (the watchdog asks).
    var descriptorsWaiting: Int { wiring.txRing.count }

    /// RX frames the access point still has to send (RX workload).
    var rxPending: Int { rxRemaining }
}
