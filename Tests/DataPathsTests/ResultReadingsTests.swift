import Testing
@testable import DataPaths
import Platform

/// How components' reports add up: drops by name without zero rows, refusals from every
/// reporter summed under one name.
struct ResultReadingsTests {
    @Test func dropsSumByNameAndLeaveZerosOut() {
        var r = ResultReadings()
        r.drop("rx_no_guest_buffer", 0)
        #expect(r.drops.isEmpty)
        var counts = [Int](repeating: 0, count: DropReason.allCases.count)
        counts[Int(DropReason.none.rawValue)] = 5
        counts[Int(DropReason.badDescriptor.rawValue)] = 2
        r.refusals(counts)
        r.refusals(counts)
        r.drop(DropReason.badDescriptor.name, 1)
        #expect(r.drops == [DropReason.badDescriptor.name: 5])
    }
}
