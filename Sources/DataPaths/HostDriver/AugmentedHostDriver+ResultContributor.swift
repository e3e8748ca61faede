// The augmented host driver reports its device-queue waits and the commands it refused.
extension AugmentedHostDriver: ResultContributor {
    func contribute(to readings: inout ResultReadings, config: PathConfig) {
        readings.ringFullWaits += deviceQueueFullWaits
        readings.refusals(rejections)
    }
}
