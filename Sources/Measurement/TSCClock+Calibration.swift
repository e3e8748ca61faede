// Calibration of the TSC against CLOCK_MONOTONIC, and the cost of reading it.
import CVWiFiShim
import Glibc

extension TSCClock {
    /// Measures the clock now (about 150 ms of calibration plus a cross-CPU check).
    public static func calibrate() -> TSCClock {
        calibrate(rounds: 3, windowMilliseconds: 50)
    }

    static func calibrate(rounds: Int, windowMilliseconds: Int) -> TSCClock {
        var rates: [Double] = []
        for _ in 0..<max(1, rounds) {
            rates.append(measureRate(windowNanoseconds: Int64(windowMilliseconds) * 1_000_000))
        }
        let hz = Self.median(rates)
        let spread = ((rates.max() ?? hz) - (rates.min() ?? hz)) / hz * 1e6
        let flags = CPUInfo.flags()
        let cpuidBit = Self.cpuidInvariantTSC()
        let sync = TSCSyncCheck.run()
        return TSCClock(
            hz: hz,
            constant: flags.contains("constant_tsc") || cpuidBit,
            nonstop: flags.contains("nonstop_tsc") || cpuidBit,
            cpuidInvariantBit: cpuidBit,
            calibrationSpreadPPM: spread,
            readCostCycles: bareReadCost(),
            fencedFloorCycles: fencedFloor(),
            synchronized: sync.synchronized,
            syncVerified: sync.verified,
            syncNote: sync.note)
    }

    /// One (tsc, monotonic) pair whose TSC brackets the clock read tightly: of a few tries,
    /// the one with the smallest bracket, stamped at its middle.
    private static func pairedReading() -> (tsc: Double, ns: Int64) {
        var best: (width: UInt64, tsc: Double, ns: Int64) = (.max, 0, 0)
        for _ in 0..<16 {
            let before = vw_rdtsc_fenced()
            let ns = vw_monotonic_ns()
            let after = vw_rdtscp_fenced()
            let width = after &- before
            if width < best.width {
                best = (width, Double(before) + Double(width) / 2, ns)
            }
        }
        return (best.tsc, best.ns)
    }

    private static func measureRate(windowNanoseconds: Int64) -> Double {
        let start = pairedReading()
        // Sleep rather than spin: the counter is what is measured, the CPU need not be busy.
        _ = vw_sleep_until_ns(start.ns + windowNanoseconds)
        let end = pairedReading()
        return (end.tsc - start.tsc) / (Double(end.ns - start.ns) / 1e9)
    }

    // The TSC may advance in coarse steps (24.5 ticks on some VMs), so single back-to-back
    // deltas read 0 or one step and their median says little. The mean of many deltas resolves
    // below the step because the read phase against the step is uniform; the largest 1% are
    // dropped first (interrupts and preemption, not read cost).

    private static func bareReadCost() -> Double {
        meanPairCost(first: { vw_rdtsc() }, second: { vw_rdtsc() })
    }

    private static func fencedFloor() -> Double {
        meanPairCost(first: { vw_rdtsc_fenced() }, second: { vw_rdtscp_fenced() })
    }

    /// Trimmed mean of 4000 back-to-back `second() - first()` deltas. Always inlined, so the
    /// closures become the bare reads and nothing but them lies between the two.
    @inline(__always)
    private static func meanPairCost(first: () -> UInt64, second: () -> UInt64) -> Double {
        var deltas = [UInt64](repeating: 0, count: 4000)
        for i in deltas.indices {
            let a = first()
            let b = second()
            deltas[i] = b &- a
        }
        return trimmedMean(deltas)
    }

    /// Mean after dropping the largest 1% of values.
    static func trimmedMean(_ values: [UInt64]) -> Double {
        guard !values.isEmpty else { return 0 }
        let kept = values.sorted().prefix(max(1, values.count * 99 / 100))
        return kept.reduce(0.0) { $0 + Double($1) } / Double(kept.count)
    }

    /// CPUID 0x80000007 EDX bit 8 (invariant TSC), if the extended leaf exists.
    static func cpuidInvariantTSC() -> Bool {
        var regs: [UInt32] = [0, 0, 0, 0]
        regs.withUnsafeMutableBufferPointer { vw_cpuid(0x8000_0000, 0, $0.baseAddress) }
        guard regs[0] >= 0x8000_0007 else { return false }
        regs.withUnsafeMutableBufferPointer { vw_cpuid(0x8000_0007, 0, $0.baseAddress) }
        return regs[3] & (1 << 8) != 0
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}
