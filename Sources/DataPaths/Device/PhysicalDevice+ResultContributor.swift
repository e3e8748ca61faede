// The device reports what reached the far side of the air, its interrupts and its drops.
extension PhysicalDevice: ResultContributor {
    func contribute(to readings: inout ResultReadings, config: PathConfig) {
        readings.interruptsPhysical += interruptsRaised
        readings.transmitted = bridge?.toPeer.delivery
            ?? .init(delivered: delivered, count: measuredDelivered, bytes: measuredBytes, spanNs: measuredSpanNs)
        if let bridge {
            readings.peerFrames = bridge.fromPeer
            readings.notes.append("the access point carried \(bridge.toPeer.packets) frames to the peer and \(bridge.fromPeer) of the peer's packets to the station"
                + (bridge.foreign > 0 ? " (\(bridge.foreign) non-IPv4 packets on the peer's interface skipped)" : ""))
        }
        for (name, count) in dropCounts { readings.drop(name, count) }
        if let medium = pacer.medium {
            readings.air = AirStatistics(medium: medium, untilNs: pacer.mediumFreeNs, seed: config.seed)
        }
        if wiring.samplesDoorbell {
            readings.notes.append("the device sampled its doorbell register \(doorbellSamples) times while idle (a timed wait of at most \(Self.samplingPeriodNs / 1000) us each)")
        }
    }

    /// What the access point received from each of `vmIDs`, and its goodput over that VM's own span.
    func contributeBySender(_ vmIDs: [UInt8], to readings: inout ResultReadings) {
        for vmID in vmIDs {
            let v = Int(vmID)
            readings.deliveredByVM["vm\(vmID)"] = deliveredBySender[v]
            // As the total: n measured frames span n-1 gaps.
            let n = measuredBySender[v]
            let span = lastMeasuredNsBySender[v] - firstMeasuredNsBySender[v]
            if n > 1 && span > 0 {
                let perFrame = Double(measuredBytesBySender[v]) / Double(n)
                readings.goodputByVMMbps["vm\(vmID)"] = Double(n - 1) / (Double(span) / 1e9) * perFrame * 8 / 1e6
            }
        }
    }
}
