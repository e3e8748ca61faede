// What a path's components measured, gathered as each one reports its own share; the result
// builder turns it into summary fields, exit rows, drops and warnings.
import Measurement
import Platform

struct ResultReadings {
    /// Frames delivered at one end, and the measured (post-warm-up) part of them.
    struct Delivery {
        var delivered: Int
        var count: Int
        var bytes: Int
        var spanNs: Int64
    }

    /// At the receiving guest or app (what a UDP RX run counts); VM 1's when several VMs report.
    var received: Delivery?
    /// At the device's far side (what every other run counts).
    var transmitted: Delivery?
    var interruptsPhysical = 0
    /// A real program's run: the peer's packets the access point carried to the station.
    var peerFrames = 0
    var interruptsVirtual = 0
    /// VM 1's interrupt line, which an idle run counts instead (its timer ticks included).
    var idleInterruptsVirtual: Int?
    var exits = 0
    /// Thread-trap exits, for the exit rows; a KVM vCPU reports its own rows instead.
    var exitCycles: [Double] = []
    var unroutedExits = 0
    var kvmExits: [ExitStatistic]?
    var translations = 0
    var ringFullWaits = 0
    var iotlbHits = 0
    var iotlbMisses = 0
    var iommuFaults = 0
    var drops: [String: Int] = [:]
    /// VM 1's (or the app's) round trips.
    var rttCycles: [UInt64]?
    /// Echo requests whose reply did not come within the ping timeout (lost on the air).
    var pingTimeouts = 0
    var notes: [String] = []
    /// The radio medium's tallies (nil with `--air none`).
    var air: AirStatistics?
    var warnings: [String] = []
    var deliveredByVM: [String: Int] = [:]
    var goodputByVMMbps: [String: Double] = [:]

    /// Adds `count` to the drop named `name`, leaving zero counts out.
    mutating func drop(_ name: String, _ count: Int) {
        if count > 0 { drops[name, default: 0] += count }
    }

    /// Refusals counted per DropReason, named by reason (hostile or broken guest input).
    mutating func refusals(_ counts: [Int]) {
        for r in DropReason.allCases where r != .none { drop(r.name, counts[Int(r.rawValue)]) }
    }
}
