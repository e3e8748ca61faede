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
final class PhysicalDevice: PipelineComponent, @unchecked Sendable {
    // SAFETY: after `start`, every field is touched only by the device thread; the executor reads
    // the counters after joining it.
    package let context: ComponentContext
    let wiring: DeviceWiring
    let txQueues: DeviceTXQueues
    let vms: VMTable
    let pacer: AirPacer
    var policy: CoalescingPolicy
    var ap: AccessPoint
    let staging: UnsafeMutableRawPointer
    /// The access point's frame on its way in (a TX frame may wait in `staging` meanwhile).
    let rxStaging: UnsafeMutableRawPointer
    static let stagingBytes = 8192
    let station: MACAddress
    let bssid: MACAddress
    let stationVMID: UInt8

    // RX stream from the access point.
    var rxRemaining: Int
    var rxSeq: UInt32 = 0
    var rxStartNs: Int64 = 0
    /// The receiver was up and the stream began (at `rxStartNs`).
    var rxStarted = false
    // Echo replies waiting for the air.
    var replySeqs: [UInt32]
    var replyHead = 0
    var replyTail = 0

    var framesTransmitted = 0
    var framesReceived = 0
    var interruptsRaised = 0
    var drops = [Int](repeating: 0, count: DropReason.allCases.count)
    var lastIRQSeq: UInt32 = 0
    /// Frames the access point accepted, by the sending VM's ID (the tag or command VM-ID the
    /// device trusted), all and after warm-up; preallocated for every possible VM-ID.
    var deliveredBySender = [Int](repeating: 0, count: 256)
    var measuredBySender = [Int](repeating: 0, count: 256)
    var measuredBytesBySender = [Int](repeating: 0, count: 256)
    /// Access-point time of each sender's first and last measured frame.
    var firstMeasuredNsBySender = [Int64](repeating: 0, count: 256)
    var lastMeasuredNsBySender = [Int64](repeating: 0, count: 256)
    let seqStride: UInt32
    /// True while frames keep arriving before the medium frees: no idle wait since the last one.
    var backToBack = false
    // The doorbell register (passthrough): the tail last sampled, descriptors taken (free
    // running), tail values refused, timed samples taken while idle.
    var sampledTail: UInt32 = 0
    var txConsumed: UInt32 = 0
    var tailsRefused = 0
    var doorbellSamples = 0
    /// Both directions at once: each end's head-of-line frame while it contends.
    var bidir = BidirHeads()
    /// A real program is the traffic: the access point's wired side (set at assembly, before
    /// the thread starts; nil for the harness's own traffic).
    var bridge: PeerBridge?

    init(context: ComponentContext, wiring: DeviceWiring,
         vms: VMTable, station: MACAddress, bssid: MACAddress, stationVMID: UInt8, expectedFrames: Int,
         senders: Int = 1, seqStride: UInt32 = .max) {
        let config = context.config
        self.context = context
        self.seqStride = max(1, seqStride)
        self.wiring = wiring
        txQueues = DeviceTXQueues(wiring)
        self.vms = vms
        self.station = station
        self.bssid = bssid
        self.stationVMID = stationVMID
        let model: AirTimeModel? = config.air == .none ? nil
            : AirTimeModel.ieee80211g(slot: config.slot == .short ? .short : .long)
        var access = ChannelAccess()
        access.frameErrorProbability = config.loss
        pacer = AirPacer(model: model, access: access, seed: config.seed)
        policy = CoalescingPolicy(threshold: config.coalesceDevice,
                                  timeoutNs: Int64(config.coalesceDeviceTimeoutUs * 1000))
        ap = AccessPoint(capacity: expectedFrames * max(1, senders), warmup: config.warmupPackets, stride: self.seqStride)
        // SAFETY: the staging buffer (stagingBytes) is owned by this device and freed once in deinit.
        staging = .allocate(byteCount: Self.stagingBytes, alignment: 64)
        staging.initializeMemory(as: UInt8.self, repeating: 0, count: Self.stagingBytes)
        // SAFETY: the RX staging buffer (stagingBytes) is owned by this device and freed once in deinit.
        rxStaging = .allocate(byteCount: Self.stagingBytes, alignment: 64)
        rxStaging.initializeMemory(as: UInt8.self, repeating: 0, count: Self.stagingBytes)
        rxRemaining = (config.workload == .udp && config.direction.receives) ? config.packets : 0
        replySeqs = [UInt32](repeating: 0, count: 1024)
    }

    // SAFETY: frees the staging buffers from init, once; the device thread has been joined.
    deinit {
        staging.deallocate()
        rxStaging.deallocate()
    }

    var delivered: Int { ap.delivered }
    var measuredDelivered: Int { ap.measuredDelivered }
    var measuredBytes: Int { ap.bytesMeasured }
    var measuredSpanNs: Int64 { ap.lastMeasuredNs - ap.firstMeasuredNs }

    func run() {
        vw_set_timer_slack(1)
        var d = Descriptor()
        // A program's traffic flows both ways whatever it is (TCP acks, replies): the access
        // point's frames from the peer contend with the station's.
        let bothWays = (config.workload == .udp && config.direction == .bidir) || bridge != nil
        runLoop {
            var worked = false
            if bothWays {
                worked = contendBothWays()
            } else if nextTX(into: &d) {
                transmit(d)
                worked = true
            } else if replyHead != replyTail {
                receiveEchoReply()
                worked = true
            } else if rxRemaining > 0 && rxStreamStarted() && rxDue() {
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
    }

    /// The access point's RX stream begins once the receiver has posted its buffers and listens;
    /// its offered rate counts from then.
    func rxStreamStarted() -> Bool {
        if rxStarted { return true }
        guard tally.receiverReady.load(ordering: .acquiring) else { return false }
        rxStarted = true
        rxStartNs = vw_monotonic_ns()
        return true
    }

    /// Offered RX rate: frame `seq` is due at start + seq/rate; nil when the stream saturates.
    func streamDueNs(_ seq: UInt32) -> Int64? {
        config.rate.map { rxStartNs + Int64(Double(seq) / $0 * 1e9) }
    }

    /// The stream's next frame is due (saturating: always).
    func rxDue() -> Bool {
        guard let due = streamDueNs(rxSeq) else { return true }
        return vw_monotonic_ns() >= due
    }

    var dropCounts: [String: Int] {
        var out: [String: Int] = [:]
        for r in DropReason.allCases where r != .none && drops[Int(r.rawValue)] > 0 { out[r.name] = drops[Int(r.rawValue)] }
        if wiring.registers != nil {
            // Not packets, but guest input refused all the same (as the device model reports it).
            let refused = tailsRefused + wiring.txRing.rejectedProducerIndices
            if refused > 0 { out[DropReason.ringIndexOutOfRange.name, default: 0] += refused }
        }
        return out
    }

    /// TX descriptors queued for the device and not yet taken (the watchdog asks; with a
    /// register page, those the guest announced).
    var descriptorsWaiting: Int {
        guard let registers = wiring.registers else { return txQueues.count }
        let announced = registers.txTail &- wiring.txRing.sharedConsumerIndex
        return announced <= UInt32(wiring.txRing.capacity) ? Int(announced) : 0
    }

    /// RX frames the access point still has to send (RX workload).
    var rxPending: Int { rxRemaining }
}
