import CVWiFiShim
import Testing
@testable import Measurement

@Suite struct TSCClockTests {
    @Test func calibrationAgreesWithMonotonicClockWithinOnePercent() {
        let clock = TSCClock.shared
        #expect(clock.hz > 1e8, "a TSC below 100 MHz is not plausible: \(clock.hz)")
        let t0 = TSC.fencedStart()
        let m0 = vw_monotonic_ns()
        _ = vw_sleep_until_ns(m0 + 100_000_000)
        let t1 = TSC.fencedEnd()
        let m1 = vw_monotonic_ns()
        let byTSC = clock.seconds(cycles: t1 - t0)
        let byMonotonic = Double(m1 - m0) / 1e9
        #expect(abs(byTSC / byMonotonic - 1) < 0.01, "TSC says \(byTSC) s, CLOCK_MONOTONIC \(byMonotonic) s")
    }

    @Test func conversionsAreInverse() {
        let clock = TSCClock.shared
        let cycles = clock.cycles(seconds: 0.25)
        #expect(abs(clock.seconds(cycles: cycles) - 0.25) < 1e-6)
        #expect(abs(clock.nanoseconds(cycles: cycles) - 0.25e9) < 1e3)
    }

    @Test func readCostsAreMeasuredAndOrdered() {
        let clock = TSCClock.shared
        #expect(clock.readCostCycles > 0)
        #expect(clock.fencedFloorCycles > 0)
        #expect(clock.fencedFloorCycles < clock.hz / 1000, "an empty region cannot take a millisecond")
        #expect(clock.invariant == (clock.constant && clock.nonstop))
        #expect(!clock.syncNote.isEmpty)
        #expect(clock.calibrationSpreadPPM >= 0)
    }

    @Test func syncCheckReportsEveryOtherCPU() {
        let cpus = Placement.allowedCPUs()
        let outcome = TSCSyncCheck.run(roundTrips: 200)
        #expect(!outcome.note.isEmpty)
        for cpu in cpus.dropFirst() {
            #expect(outcome.note.contains("cpu\(cpu)"), "\(outcome.note)")
        }
    }

    @Test func fencedRegionIsOrdered() {
        let a = TSC.fencedStart()
        let b = TSC.now()
        let c = TSC.fencedEnd()
        #expect(a <= b && b <= c)
    }
}
