// A thread-trap guest reports what it received, its ring-full waits, round trips and interrupts.
// Several VMs report VM 1 first, and a path's single-VM figures are VM 1's: the first report wins.
extension ThreadGuest: ResultContributor {
    func contribute(to readings: inout ResultReadings, config: PathConfig) {
        if readings.received == nil {
            readings.received = .init(delivered: rxDelivered, count: measuredRxCount, bytes: measuredRxBytes,
                                      spanNs: measuredRxSpanNs)
        }
        readings.ringFullWaits += txRingFullWaits
        if readings.rttCycles == nil {
            readings.rttCycles = rttCycles
            readings.pingTimeouts = pingTimeouts
        }
        if readings.idleInterruptsVirtual == nil { readings.idleInterruptsVirtual = line.injected }
    }
}
