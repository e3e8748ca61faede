// Receive: frames from the access point (the RX stream, echo replies) take the air, are
// matched to a VM by destination vMAC and DMAed into a buffer its driver posted.
import CVWiFiShim
import Measurement
import Platform

extension PhysicalDevice {
    func queueEchoReply(_ seq: UInt32) {
        let next = (replyTail + 1) % replySeqs.count
        guard next != replyHead else { return }
        replySeqs[replyTail] = seq
        replyTail = next
    }

    func receiveEchoReply() {
        let seq = replySeqs[replyHead]
        replyHead = (replyHead + 1) % replySeqs.count
        receive(seq: seq, payload: PingWorkload.payloadBytes, kind: .echoReply, readySinceNs: nil)
    }

    /// The access point sends the RX stream's next frame (the device thread's loop; tests call it).
    func receiveStreamFrame() {
        let (seq, ready) = takeStreamFrame()
        receive(seq: seq, payload: config.size, kind: .udp, readySinceNs: ready)
    }

    /// The RX stream's next frame: its seq, and when the access point has it ready: at its
    /// offered time, or (saturating) when the medium frees; never before the stream began (the
    /// medium's clock runs from the device's start: a frame "ready" since then would catch up on
    /// air time nobody used).
    func takeStreamFrame() -> (seq: UInt32, readyNs: Int64) {
        let seq = rxSeq
        rxSeq &+= 1
        rxRemaining -= 1
        return (seq, streamDueNs(seq) ?? max(pacer.mediumFreeNs, rxStartNs))
    }

    /// A frame from the access point: it occupies the air, then the device matches its
    /// destination to a VM and DMAs it into a posted buffer.
    func receive(seq: UInt32, payload: Int, kind: FrameKind, readySinceNs: Int64?) {
        let length = stageRX(seq: seq, payload: payload, kind: kind)
        let (exchange, _) = pacer.send(mpduBytes: length, readySinceNs: readySinceNs ?? vw_monotonic_ns(), fromAccessPoint: true)
        finishRX(seq: seq, length: length, fate: exchange.accessPoint)
    }

    /// The access point builds its frame (in `rxStaging`, apart from a TX frame the device may be
    /// holding); its length on the air.
    func stageRX(seq: UInt32, payload: Int, kind: FrameKind) -> Int {
        FrameFormat.writeFrame(into: rxStaging, capacity: Self.stagingBytes, payloadLength: payload,
                               seq: seq, source: Stations.peer, destination: station, bssid: bssid,
                               kind: kind, direction: .fromAP)
    }

    /// The access point's frame ended its last attempt (`fate`): the device takes it into a posted
    /// buffer, or counts it dropped.
    func finishRX(seq: UInt32, length: Int, fate: AttemptFate) {
        account.stamp(.rxAir, seq)
        framesReceived += 1
        if fate == .dropped {
            drops[Int(DropReason.retryLimitExceeded.rawValue)] += 1
            tally.add(tally.dropped)
            control.bump()
            return
        }
        let destination = FrameFormat.destinationMAC(frame: rxStaging)
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
        // SAFETY: bounds: writeFrame produced `length` <= stagingBytes bytes, and dmaAddress checked that
        // `length` writable bytes (<= the posted buffer's length) lie at `target`.
        target.copyMemory(from: rxStaging, byteCount: length)
        account.stamp(.rxDMA, seq)
        var c = buffer
        c.kind = DescriptorKind.rxFrame.rawValue
        c.seq = seq
        c.vmID = vmID
        c.length = UInt32(length)
        c.status = 0
        postCompletion(c)
    }
}
