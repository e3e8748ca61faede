// The native app reports what it received, its round trips and the kernel's socket drops.
extension NativeApp: ResultContributor {
    func contribute(to readings: inout ResultReadings, config: PathConfig) {
        if readings.received == nil && role != .send {
            readings.received = .init(delivered: received, count: measuredCount, bytes: measuredBytes,
                                      spanNs: lastMeasuredNs - firstMeasuredNs)
        }
        if readings.rttCycles == nil {
            readings.rttCycles = rttCycles
            readings.pingTimeouts = pingTimeouts
        }
        // The kernel drops a datagram when the app's socket receive queue is full.
        readings.drop("rx_socket_queue_full", socketDrops)
    }
}
