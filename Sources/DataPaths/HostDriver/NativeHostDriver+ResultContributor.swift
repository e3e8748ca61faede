// The native host driver reports its transmit routine's device-queue waits.
extension NativeHostDriver: ResultContributor {
    func contribute(to readings: inout ResultReadings, config: PathConfig) {
        readings.ringFullWaits += deviceQueueFullWaits
        if carried { readings.received = carriedDelivery.delivery }
        // A program's probes (ping, sockperf): the harness's own round trip of each, TUN to TUN.
        if let replies = echoReplies, let requests = transmitter.echoRequests {
            readings.rttCycles = EchoTimes.roundTrips(requests: requests, replies: replies)
        }
    }
}
