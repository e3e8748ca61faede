// Which of its drivers the guest program runs, and the guest memory each needs: RX and ping
// post the VM's RX buffers and take received frames from its completion ring (the format a
// physical device's DMA engine also writes), ping keeps its RTTs in guest RAM, idle arms the
// VM's trapping timer.
import CVWiFiShim
import Measurement
import Platform
import VMM

extension KVMGuest {
    /// The guest program's mode for `config` (TrapBackendDecision only picks kvm for these).
    static func mode(_ config: PathConfig) -> GuestDriverMode {
        if config.traffic.isTool { return .carry }
        return switch (config.workload, config.direction) {
        case (.ping, _): .ping
        case (.idle, _): .idle
        case (.udp, .rx): .udpRX
        case (.udp, .bidir): .udpBidir
        default: .udpTX
        }
    }

    /// The payload the guest writes per TX packet, and the frame kind of its headers.
    static func txFrame(_ config: PathConfig) -> (payload: Int, kind: FrameKind) {
        config.workload == .ping ? (PingWorkload.payloadBytes, .echoRequest) : (config.size, .udp)
    }

    /// Packets the guest sends (its loop re-reads the count: a time-bounded run lowers it).
    static func packetCount(_ config: PathConfig) -> Int {
        switch mode(config) {
        case .ping: config.pingCount
        case .udpRX, .idle, .carry: 0
        case .udpTX, .udpBidir: config.duration == nil ? config.packets : Int(Int32.max)
        }
    }

    /// Fills in what `parameters.mode` needs beyond the TX data path, allocating the bitmap and
    /// RTT area from `memory`.
    static func addModeParameters(_ parameters: inout GuestDriverParameters, config: PathConfig, rings: GuestRings,
                                  memory: GuestMemory) throws {
        parameters.mode = mode(config)
        parameters.warmup = config.warmupPackets
        switch parameters.mode {
        case .udpRX, .ping, .udpBidir, .carry:
            let stride = UInt64(GuestRings.bufferBytes)
            for (i, gpa) in rings.rxBuffers.enumerated() where gpa != rings.rxBuffers[0] + UInt64(i) * stride {
                throw PipelineError.setup("RX buffer \(i) at GPA \(gpa) is not contiguous with buffer 0: the KVM guest needs equally spaced buffers")
            }
            let frames = parameters.mode == .ping ? config.pingCount : parameters.mode == .carry ? 64 : config.packets
            let words = min(1 << 17, GuestReceiveParameters.seenWords(frames: frames))
            parameters.receive = GuestReceiveParameters(
                rxRing: rings.rxFreeRingGPA, rxRingCapacity: rings.rxFree.capacity, rxBufferBase: rings.rxBuffers[0],
                rxBufferStride: stride, rxBufferCount: min(rings.rxBuffers.count, rings.rxFree.capacity),
                completionRing: rings.completionRingGPA, completionRingCapacity: rings.completions.capacity,
                seenBitmap: try memory.allocate(bytes: words * 8, alignment: 64), seenWords: words)
            if parameters.mode == .ping {
                parameters.rttCapacity = max(1, config.pingCount)
                parameters.rttArea = try memory.allocate(bytes: parameters.rttCapacity * 8, alignment: 64)
                parameters.txIntervalTicks = UInt64(max(1, config.pingIntervalMs * 1e-3 * TSCClock.shared.hz))
                parameters.pingTimeoutTicks = UInt64(max(1, config.pingTimeoutMs * 1e-3 * TSCClock.shared.hz))
            }
            if parameters.mode == .carry {
                // The IP packet goes where the harness's payload went, behind the link headers.
                parameters.payloadOffset = FrameFormat.ipv4Offset
                parameters.payloadLength = KernelNetwork.programMTU
                parameters.carryLengths = try memory.allocate(bytes: parameters.txBufferCount * 4, alignment: 64)
                parameters.outboxSlots = GuestStack.outboxSlots
                parameters.outbox = try memory.allocate(bytes: GuestStack.outboxSlots * Int(GuestMailbox.outboxSlotBytes), alignment: 4096)
            }
        case .idle:
            parameters.timerAddress = VMTimer.base
            parameters.timerPeriodTicks = UInt64(max(1, TSCClock.shared.hz / Double(config.timerHz)))
        case .udpTX:
            break
        }
    }
}
