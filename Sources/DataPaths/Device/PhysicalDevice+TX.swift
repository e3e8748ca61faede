// Transmit: a TX descriptor is DMAed into the device, checked against the sender's vMAC, put on
// the air (the pacer: the only simulated physics), handed to the access point and completed,
// with a (coalesced) physical interrupt.
import CVWiFiShim
import Measurement
import Platform

extension PhysicalDevice {
    func transmit(_ d: Descriptor) {
        guard let onAir = stageTX(d) else { return }
        // DCF decides the exchange (backoff, retries, beacons); a frame queued while the medium was
        // busy contends from its end, so this thread's wake-up latency does not stretch the air.
        let (exchange, _) = pacer.send(mpduBytes: onAir, readySinceNs: backToBack ? pacer.mediumFreeNs : vw_monotonic_ns(),
                                       fromAccessPoint: false)
        backToBack = true
        finishTX(d, onAir: onAir, fate: exchange.station)
    }

    /// The frame into the device: DMA, the sender's MAC checked, the FCS appended in `staging`.
    /// Its length on the air, or nil when the descriptor was completed as dropped.
    func stageTX(_ d: Descriptor) -> Int? {
        account.stamp(.deviceDequeue, d.seq)
        let length = Int(d.length)
        guard length > 0, length + FrameFormat.fcsBytes <= Self.stagingBytes else {
            complete(d, dropped: .badDescriptor)
            return nil
        }
        guard let source = dmaAddress(d, length: length, write: false) else {
            let hostBuffer = wiring.owner == .hostDriver && d.flags & DescriptorFlag.hostAddress != 0
            complete(d, dropped: hostBuffer ? .translationFault : .iommuFault)
            return nil
        }
        let vmID = sender(of: d)
        // DMA: the frame moves from host or guest memory into the device.
        // SAFETY: bounds: length + fcsBytes <= stagingBytes (checked above), and dmaAddress checked (IOMMU
        // or the host driver's own translation) that `length` bytes at `source` are readable.
        staging.copyMemory(from: source, byteCount: length)
        guard vms.sourceMatches(vmID: vmID, frame: staging) else {
            complete(d, dropped: .txSourceMACNotVMs)
            return nil
        }
        // The device computes the frame check sequence in hardware as the frame goes out.
        return FrameFormat.appendFCS(frame: staging, length: length)
    }

    /// The staged frame's last attempt ended (`fate`: delivered or dropped at the retry limit):
    /// the access point takes it, and the descriptor completes.
    func finishTX(_ d: Descriptor, onAir: Int, fate: AttemptFate) {
        account.stamp(.air, d.seq)
        framesTransmitted += 1
        let vmID = sender(of: d)
        if fate == .dropped {
            complete(d, dropped: .retryLimitExceeded)
            return
        }
        // The access point takes the frame now: its own clock reading, after the exchange ended.
        let now = vw_monotonic_ns()
        if let bridge {
            deliverToPeer(d, onAir: onAir, vmID: vmID, bridge: bridge, nowNs: now)
            return
        }
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
    func sender(of d: Descriptor) -> UInt8 {
        switch wiring.owner {
        case .guest(let vmID):
            return vmID
        case .hostDriver:
            if d.flags & DescriptorFlag.tagged != 0 { return IOMMU.vmID(ofTagged: d.addr) }
            return d.vmID == 0 ? stationVMID : d.vmID
        }
    }

    func complete(_ d: Descriptor, dropped reason: DropReason) {
        if reason != .none { drops[Int(reason.rawValue)] += 1 }
        postCompletion(d.txStatus(reason))
    }

    func postCompletion(_ c: Descriptor) {
        // The completion ring has a slot for every TX and RX buffer, so it cannot overflow
        // unless a driver breaks the protocol. A guest driver gets them in its own format.
        let posted = wiring.guestCompletions.map { $0.post(c) } ?? wiring.completions.push(c)
        guard posted else {
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

    func raiseInterrupt() {
        account.stamp(.irqRaise, lastIRQSeq)
        interruptsRaised += 1
        wiring.irq.raise(seq: lastIRQSeq)
    }
}
