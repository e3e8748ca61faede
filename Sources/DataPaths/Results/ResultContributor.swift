// A component that reports its own share of a path's result, so that the builder need not know
// which components a path has.
protocol ResultContributor: AnyObject {
    func contribute(to readings: inout ResultReadings, config: PathConfig)
}
