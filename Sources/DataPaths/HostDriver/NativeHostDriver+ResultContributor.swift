// The native host driver reports its transmit routine's device-queue waits.
extension NativeHostDriver: ResultContributor {
    func contribute(to readings: inout ResultReadings, config: PathConfig) {
        readings.ringFullWaits += deviceQueueFullWaits
    }
}
