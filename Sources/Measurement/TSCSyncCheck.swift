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

    /// Bounds on the other counter's offset from round trips t0 (ref) -> t1 (other) -> t2 (ref).
    private struct OffsetBound {
        var lo = Int64.min, hi = Int64.max, done = 0

        mutating func narrow(t0: UInt64, t1: UInt64, t2: UInt64) {
            lo = max(lo, Int64(bitPattern: t1 &- t2))
            hi = min(hi, Int64(bitPattern: t1 &- t0))
            done += 1
        }
    }

    /// An `OffsetBound` handed from a probe thread to the one that joins it.
    private final class SharedOffsetBound: Sendable {
        let lo = Atomic<Int64>(.min)
        let hi = Atomic<Int64>(.max)
        let done = Atomic<Int>(0)

        func store(_ bound: OffsetBound) {
            lo.store(bound.lo, ordering: .relaxed)
            hi.store(bound.hi, ordering: .relaxed)
            done.store(bound.done, ordering: .relaxed)
        }

        func load() -> OffsetBound {
            OffsetBound(lo: lo.load(ordering: .relaxed), hi: hi.load(ordering: .relaxed),
                        done: done.load(ordering: .relaxed))
        }
    }

    private final class Court: Sendable {
        let turn = Atomic<UInt32>(0)
        let stamp = Atomic<UInt64>(0)
        let abandoned = Atomic<Bool>(false)
        let bound = SharedOffsetBound()
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
            let ref = try? OSThread.start { _ in
                pingSide(court: court, cpu: reference, roundTrips: roundTrips, deadline: deadline)
            }
            let far = try? OSThread.start { _ in
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
            let pingPong = court.bound.load()
            let done = pingPong.done
            if let errno = SystemCall.errno(of: failure) {
                details.append("cpu\(other): unverified, could not pin a probe thread: \(errno.named)")
                continue
            }
            var lo = pingPong.lo
            var hi = pingPong.hi
            var method = "\(done) ping-pong round trips"
            var haveBound = done > 0
            if done == 0 || hi &- lo > looseBoundCycles {
                // The two threads rarely ran at the same time (a busy machine). One thread hopping
                // between the CPUs needs no simultaneity; its bound is as wide as two migrations.
                let hops = migrationBounds(reference: reference, other: other, hops: 64,
                                           deadline: vw_monotonic_ns() + timeoutNanoseconds)
                if hops.done > 0, !haveBound || hops.hi &- hops.lo < hi &- lo {
                    lo = hops.lo
                    hi = hops.hi
                    method = "\(hops.done) migrations of one thread (ping-pong inconclusive: CPUs busy)"
                    haveBound = true
                }
            }
            if !haveBound {
                details.append("cpu\(other): unverified, no round trip or migration completed within the time allowed (CPUs busy); rerun doctor on a quieter machine")
                continue
            }
            if hi &- lo > looseBoundCycles {
                // Every round trip was slow (threads descheduled): the bound says nothing useful.
                details.append("cpu\(other): unverified, offset only bounded to [\(lo), \(hi)] cycles by \(method); rerun doctor on a quieter machine")
                continue
            }
            let agrees = lo <= toleranceCycles && hi >= -toleranceCycles
            allAgree = allAgree && agrees
            checked += 1
            details.append("cpu\(other) vs cpu\(reference): offset in [\(lo), \(hi)] cycles by \(method)"
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

    /// One fresh thread reads the TSC on `reference`, moves to `other`, reads, moves back, reads:
    /// each migration is causally ordered, so the same bounds as a ping-pong round trip apply.
    private static func migrationBounds(reference: Int, other: Int, hops: Int, deadline: Int64) -> OffsetBound {
        let result = SharedOffsetBound()
        guard let thread = try? OSThread.start({ _ in
            var bound = OffsetBound()
            guard vw_set_affinity_cpu(0, Int32(reference)) == 0 else { return }
            for _ in 0..<hops where vw_monotonic_ns() < deadline {
                let t0 = vw_rdtscp_fenced()
                guard vw_set_affinity_cpu(0, Int32(other)) == 0, vw_current_cpu() == Int32(other) else { break }
                let t1 = vw_rdtscp_fenced()
                guard vw_set_affinity_cpu(0, Int32(reference)) == 0, vw_current_cpu() == Int32(reference) else { break }
                let t2 = vw_rdtscp_fenced()
                bound.narrow(t0: t0, t1: t1, t2: t2)
            }
            result.store(bound)
        }) else { return OffsetBound() }
        thread.join()
        return result.load()
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

    /// Pins the calling probe thread to `cpu`; on failure records why and calls the round off.
    private static func pin(court: Court, cpu: Int) -> Bool {
        let rc = vw_set_affinity_cpu(0, Int32(cpu))
        if rc < 0 {
            court.pinFailure.store(rc, ordering: .relaxed)
            court.abandoned.store(true, ordering: .relaxed)
            return false
        }
        return true
    }

    private static func pingSide(court: Court, cpu: Int, roundTrips: Int, deadline: Int64) {
        guard pin(court: court, cpu: cpu) else { return }
        var bound = OffsetBound()
        for i in 0..<roundTrips {
            let t0 = vw_rdtsc_fenced()
            court.turn.store(UInt32(2 * i + 1), ordering: .releasing)
            guard waitForTurn(court, value: UInt32(2 * i + 2), deadline: deadline) else { break }
            let t2 = vw_rdtscp_fenced()
            let t1 = court.stamp.load(ordering: .relaxed)
            bound.narrow(t0: t0, t1: t1, t2: t2)
        }
        court.bound.store(bound)
    }

    private static func pongSide(court: Court, cpu: Int, roundTrips: Int, deadline: Int64) {
        guard pin(court: court, cpu: cpu) else { return }
        for i in 0..<roundTrips {
            guard waitForTurn(court, value: UInt32(2 * i + 1), deadline: deadline) else { return }
            court.stamp.store(vw_rdtscp_fenced(), ordering: .relaxed)
            court.turn.store(UInt32(2 * i + 2), ordering: .releasing)
        }
    }
}
