// A component that reports its own share of a path's result, so that the builder need not know
// which components a path has.
protocol ResultContributor: AnyObject {
    func contribute(to readings: inout ResultReadings, config: PathConfig)
    /// The connections into this component that hops can cross (see HopConnection).
    var hopConnections: [HopConnection] { get }
    /// Stamps this component's threads log on another context's behalf.
    var stampRelays: [StampRelay] { get }
}

extension ResultContributor {
    var hopConnections: [HopConnection] { [] }
    var stampRelays: [StampRelay] { [] }
}
