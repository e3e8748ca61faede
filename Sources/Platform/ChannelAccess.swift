/// The DCF parameters of one link beyond the PHY timing of AirTimeModel (IEEE 802.11-2016
/// clause 10.3 and the MIB defaults): the contention window's bounds, the retry limits, the
/// beacon schedule and a per-link frame-error probability.
public struct ChannelAccess: Sendable, Codable, Equatable {
    /// CWmax: the window doubles from CWmin (AirTimeModel.cwMin) up to this after each failure.
    public var cwMax: Int = 1023
    /// dot11ShortRetryLimit: attempts of a frame no longer than the RTS threshold.
    public var shortRetryLimit: Int = 7
    /// dot11LongRetryLimit: attempts of a longer frame.
    public var longRetryLimit: Int = 4
    /// dot11RTSThreshold in bytes (the MIB default; no frame of ours is longer, and RTS/CTS is
    /// not modelled, so the short limit applies).
    public var rtsThresholdBytes: Int = 2347
    /// Beacon interval (100 TU = 102.4 ms); nil: no beacons.
    public var beaconIntervalNs: Int64? = 102_400_000
    /// A beacon MPDU: header 24, timestamp/interval/capabilities 12, SSID, rates, DS, TIM, ERP
    /// and extended rates elements about 40, FCS 4.
    public var beaconBytes: Int = 80
    /// Probability that one transmission attempt of a data frame is not received (no ACK):
    /// `--loss`. ACKs and beacons, short and at a basic rate, are taken as always received.
    public var frameErrorProbability: Double = 0

    public init() {}

    /// Attempts allowed for an MPDU of `mpduBytes`.
    public func retryLimit(mpduBytes: Int) -> Int {
        mpduBytes > rtsThresholdBytes ? longRetryLimit : shortRetryLimit
    }
}
