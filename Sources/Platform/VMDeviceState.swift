/// What the μCode keeps per VM-ID (paper section 3.3): the vMAC, its AP, channel, security key,
/// rate-scaling and TX power tables.
public struct VMDeviceState: Sendable, Equatable {
    public var vmID: UInt8
    public var mac: MACAddress
    public var bssid: MACAddress
    public var channel: Int
    /// 16-byte pairwise key.
    public var key: [UInt8]
    public var rateTable: [Double]
    public var txPowerTable: [Int]

    public init(vmID: UInt8, mac: MACAddress, bssid: MACAddress, channel: Int = 6,
                key: [UInt8] = Array(repeating: 0, count: 16),
                rateTable: [Double] = [54, 48, 36, 24, 18, 12, 9, 6],
                txPowerTable: [Int] = [20]) {
        self.vmID = vmID
        self.mac = mac
        self.bssid = bssid
        self.channel = channel
        self.key = key
        self.rateTable = rateTable
        self.txPowerTable = txPowerTable
    }
}
