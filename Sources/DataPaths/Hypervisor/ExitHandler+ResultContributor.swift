// The thread trap's exit handler reports the exits it handled and what each cost.
extension ExitHandler: ResultContributor {
    func contribute(to readings: inout ResultReadings, config: PathConfig) {
        readings.exits += exits
        readings.exitCycles += exitCycles.map { Double($0) }
        readings.unroutedExits += unroutedExits
    }
}
