// The passthrough hypervisor reports the interrupts it injected into the guest.
extension InterruptForwarder: ResultContributor {
    func contribute(to readings: inout ResultReadings, config: PathConfig) {
        readings.interruptsVirtual += injected
    }
}
