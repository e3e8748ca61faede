// The components one data path is made of: each path's own parts value says which report to
// the result (in order) and gives the watchdog and the tests the components they look at.
protocol PathParts {
    var device: PhysicalDevice { get }
    /// Every component that reports to the result, in the order their drops and warnings go.
    var contributors: [any ResultContributor] { get }
    /// VM 1's thread-trap guest (passthrough and vwifi on the thread trap).
    var guest: ThreadGuest? { get }
    var deviceModel: DeviceModel? { get }
    var kvmGuest: KVMGuest? { get }
    var augmentedDriver: AugmentedHostDriver? { get }
    /// Every VM of a vwifi pipeline, VM 1 first.
    var machines: [Pipeline.VirtualMachine] { get }
    /// Readings no single component can give (figures across several components).
    func contributeAcross(to readings: inout ResultReadings, config: PathConfig)
}

extension PathParts {
    var guest: ThreadGuest? { nil }
    var deviceModel: DeviceModel? { nil }
    var kvmGuest: KVMGuest? { nil }
    var augmentedDriver: AugmentedHostDriver? { nil }
    var machines: [Pipeline.VirtualMachine] { [] }
    func contributeAcross(to readings: inout ResultReadings, config: PathConfig) {}

    func readings(config: PathConfig) -> ResultReadings {
        var r = ResultReadings()
        for c in contributors { c.contribute(to: &r, config: config) }
        contributeAcross(to: &r, config: config)
        return r
    }
}
