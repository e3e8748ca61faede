// Do all CPUs' time-stamp counters agree? A thread on the first allowed CPU and one on each other
// CPU play ping-pong through shared atomics. Causality bounds the second counter's offset:
// for a round trip t0 (ref) -> t1 (other) -> t2 (ref), offset lies in [t1 - t2, t1 - t0].
// The intersection over many round trips must contain zero if the counters agree.
import CVWiFiShim
import Synchronization

enum TSCSyncCheck {
    struct Outcome {
        /// No CPU showed an offset outside the tolerance.
        let synchronized: Bool
        /// Every other CPU was actually compared with a tight bound.
        let verified: Bool
        let note: String
    }

    private final class Court: Sendable {
        let turn = Atomic<UInt32>(0)
        let stamp = Atomic<UInt64>(0)
        let abandoned = Atomic<Bool>(false)
        let lowerBound = Atomic<Int64>(.min)
        let upperBound = Atomic<Int64>(.max)
        let completed = Atomic<Int>(0)
        let pinFailure = Atomic<Int32>(0)
    }

    /// Fewer round trips than asked (a busy machine, deadline reached) still bound the offset,
    /// only more loosely; a CPU with none is reported unverified and does not count as a mismatch.
    static func run(roundTrips: Int = 2000, toleranceCycles: Int64 = 100, looseBoundCycles: Int64 = 100_000,
                    timeoutNanoseconds: Int64 = 200_000_000) -> Outcome {
        let cpus = Placement.allowedCPUs()
        guard cpus.count > 1, let reference = cpus.first else {
            return Outcome(synchronized: true, verified: true,
                           note: "only one CPU (\(cpus.first.map(String.init) ?? "?")) is allowed: nothing to compare")
        }
        var details: [String] = []
        var allAgree = true
        var checked = 0
        for other in cpus.dropFirst() {
            let court = Court()
            let deadline = vw_monotonic_ns() + timeoutNanoseconds
            let ref = NativeThread.start { _ in
                pingSide(court: court, cpu: reference, roundTrips: roundTrips, deadline: deadline)
            }
            let far = NativeThread.start { _ in
                pongSide(court: court, cpu: other, roundTrips: roundTrips, deadline: deadline)
            }
            guard let ref, let far else {
                court.abandoned.store(true, ordering: .relaxed)
                ref?.join(); far?.join()
                details.append("cpu\(other): unverified, could not start probe threads")
                continue
            }
            ref.join(); far.join()
            let failure = court.pinFailure.load(ordering: .relaxed)
            let done = court.completed.load(ordering: .relaxed)
            if failure != 0 {
                details.append("cpu\(other): unverified, could not pin a probe thread: \(ErrnoText.describe(-failure))")
                continue
            }
            if done == 0 {
                // No evidence either way: the machine was too busy to run both threads at once.
                details.append("cpu\(other): unverified, no round trip completed within \(timeoutNanoseconds / 1_000_000) ms (CPUs busy); rerun doctor on a quieter machine")
                continue
            }
            let lo = court.lowerBound.load(ordering: .relaxed)
            let hi = court.upperBound.load(ordering: .relaxed)
            if hi &- lo > looseBoundCycles {
                // Every round trip was slow (threads descheduled): the bound says nothing useful.
                details.append("cpu\(other): unverified, offset only bounded to [\(lo), \(hi)] cycles over \(done) round trips (CPUs busy); rerun doctor on a quieter machine")
                continue
            }
            let agrees = lo <= toleranceCycles && hi >= -toleranceCycles
            allAgree = allAgree && agrees
            checked += 1
            details.append("cpu\(other) vs cpu\(reference): offset in [\(lo), \(hi)] cycles over \(done) round trips"
                           + (agrees ? "" : " - does not include 0: NOT synchronized"))
        }
        let header = allAgree && checked == 0
            ? "no CPU pair gave a tight bound; assumed synchronized (no mismatch seen)"
            : allAgree
            ? "ping-pong between cpu\(reference) and \(checked) of \(cpus.count - 1) other CPU(s) is causal (tolerance \(toleranceCycles) cycles)"
            : "TSC readings are not comparable across CPUs: pin communicating threads or use one CPU's stamps only"
        return Outcome(synchronized: allAgree, verified: checked == cpus.count - 1,
                       note: ([header] + details).joined(separator: "; "))
    }

    /// Spins until `turn` equals `value`; false on timeout or if the partner gave up.
    private static func waitForTurn(_ court: Court, value: UInt32, deadline: Int64) -> Bool {
        var spins = 0
        while court.turn.load(ordering: .acquiring) != value {
            vw_cpu_relax()
            spins += 1
            if spins & 1023 == 0 {
                if court.abandoned.load(ordering: .relaxed) { return false }
                if vw_monotonic_ns() > deadline {
                    court.abandoned.store(true, ordering: .relaxed)
                    return false
                }
            }
        }
        return true
    }

    private static func pingSide(court: Court, cpu: Int, roundTrips: Int, deadline: Int64) {
        let rc = vw_set_affinity_cpu(0, Int32(cpu))
        if rc < 0 {
            court.pinFailure.store(rc, ordering: .relaxed)
            court.abandoned.store(true, ordering: .relaxed)
            return
        }
        var lo = Int64.min, hi = Int64.max, done = 0
        for i in 0..<roundTrips {
            let t0 = vw_rdtsc_fenced()
            court.turn.store(UInt32(2 * i + 1), ordering: .releasing)
            guard waitForTurn(court, value: UInt32(2 * i + 2), deadline: deadline) else { break }
            let t2 = vw_rdtscp_fenced()
            let t1 = court.stamp.load(ordering: .relaxed)
            lo = max(lo, Int64(bitPattern: t1 &- t2))
            hi = min(hi, Int64(bitPattern: t1 &- t0))
            done += 1
        }
        court.lowerBound.store(lo, ordering: .relaxed)
        court.upperBound.store(hi, ordering: .relaxed)
        court.completed.store(done, ordering: .relaxed)
    }

    private static func pongSide(court: Court, cpu: Int, roundTrips: Int, deadline: Int64) {
        let rc = vw_set_affinity_cpu(0, Int32(cpu))
        if rc < 0 {
            court.pinFailure.store(rc, ordering: .relaxed)
            court.abandoned.store(true, ordering: .relaxed)
            return
        }
        for i in 0..<roundTrips {
            guard waitForTurn(court, value: UInt32(2 * i + 1), deadline: deadline) else { return }
            court.stamp.store(vw_rdtscp_fenced(), ordering: .relaxed)
            court.turn.store(UInt32(2 * i + 2), ordering: .releasing)
        }
    }
}
