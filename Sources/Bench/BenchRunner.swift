// Runs every measurement of the harness's own cost, repeated and interleaved with its
// reference, and judges each against its target.
import CVWiFiShim
import DataPaths
import Foundation
import Measurement

public struct BenchOptions: Sendable {
    public enum SuiteRuns: Sendable, Equatable { case skip, quick, quickAndFull }

    public var repetitions: Int
    public var stampCount: Int
    public var spinRoundTrips: Int
    public var blockingRoundTrips: Int
    public var path: PathRunSettings
    public var paths: [PathKind] = PathKind.allCases
    /// Which groups to run: stamp, handoff, path (the suite is chosen by `suite`).
    public var groups: Set<BenchGroup> = Set(BenchGroup.allCases)
    public var suite: SuiteRuns = .quick
    /// The vwifi-bench executable for the suite runs, and the suite file.
    public var executable: String = ""
    public var suiteFile: String = "Workloads/paper.yaml"
    public var scratchDirectory: String = "/tmp"
    public var policy = NoisePolicy()
    public var progress: @Sendable (String) -> Void = { _ in }

    /// Full: enough work per sample for medians to settle on a 2-core machine (about a minute).
    public static var standard: BenchOptions {
        BenchOptions(repetitions: 7, stampCount: 200_000, spinRoundTrips: 100_000, blockingRoundTrips: 4_000,
                     path: PathRunSettings(packets: 100_000, warmup: 2_000))
    }

    /// `--quick`: fewer repetitions and shorter samples.
    public static var quick: BenchOptions {
        BenchOptions(repetitions: 3, stampCount: 100_000, spinRoundTrips: 30_000, blockingRoundTrips: 1_500,
                     path: PathRunSettings(packets: 30_000, warmup: 1_000))
    }

    public init(repetitions: Int, stampCount: Int, spinRoundTrips: Int, blockingRoundTrips: Int, path: PathRunSettings) {
        self.repetitions = repetitions
        self.stampCount = stampCount
        self.spinRoundTrips = spinRoundTrips
        self.blockingRoundTrips = blockingRoundTrips
        self.path = path
    }
}

public enum BenchGroup: String, CaseIterable, Sendable { case stamp, handoff, path }

public enum BenchRunner {
    public static func run(_ o: BenchOptions) throws -> BenchReport {
        let reps = max(1, o.repetitions)
        var metrics: [BenchMetric] = []
        let benchStart = SystemCPUSnapshot.take()

        // Stamp cost.
        if o.groups.contains(.stamp) {
            o.progress("stamp cost")
            let log = StampLog(capacity: o.stampCount, owner: "bench")
            // SAFETY: ownership: this scope allocates and initializes `bare` and frees it in the defer below;
            // StampCost only writes indices < stampCount.
            let bare = UnsafeMutablePointer<UInt64>.allocate(capacity: o.stampCount)
            bare.initialize(repeating: 0, count: o.stampCount)
            defer { bare.deallocate() }
            _ = StampCost.measureOnce(count: o.stampCount, log: log, bare: bare)  // warm the pages and caches
            var stamp: [Double] = [], floor: [Double] = []
            let (stampSteal, _) = try measuringSteal {
                for _ in 0..<max(reps * 3, 9) {
                    let r = StampCost.measureOnce(count: o.stampCount, log: log, bare: bare)
                    stamp.append(r.stamp)
                    floor.append(r.bare)
                }
            }
            metrics.append(.judge(metric: "stamp_cost", values: stamp, references: floor, target: .ratioAtMost(1.2),
                                  unit: "TSC cycles/stamp", stealPercent: stampSteal, policy: o.policy,
                                  note: "StampLog.record vs a bare rdtsc stored to an array, \(o.stampCount) per sample"))
        }

        // Hand-off cost.
        for mode in HandoffMode.allCases where o.groups.contains(.handoff) {
            o.progress("hand-off \(mode.rawValue)")
            let trips = mode == .spinning ? o.spinRoundTrips : o.blockingRoundTrips
            _ = try HandoffCost.reference(mode, roundTrips: max(1, trips / 10))
            _ = try HandoffCost.harness(mode, roundTrips: max(1, trips / 10))
            var harness: [Double] = [], reference: [Double] = []
            let (steal, _) = try measuringSteal {
                for r in 0..<reps {
                    // ABBA: alternate which goes first.
                    if r % 2 == 0 {
                        reference.append(try HandoffCost.reference(mode, roundTrips: trips))
                        harness.append(try HandoffCost.harness(mode, roundTrips: trips))
                    } else {
                        harness.append(try HandoffCost.harness(mode, roundTrips: trips))
                        reference.append(try HandoffCost.reference(mode, roundTrips: trips))
                    }
                }
            }
            let what = switch mode {
            case .spinning: "DescriptorRing, both sides spinning"
            case .futex: "DescriptorRing + Notifier (futex, no spin)"
            case .eventfd: "DescriptorRing + EventChannel (eventfd write, poll + read)"
            }
            metrics.append(.judge(metric: "handoff_\(mode.rawValue)", values: harness, references: reference,
                                  target: .ratioAtMost(1.1), unit: "TSC cycles/round trip", stealPercent: steal,
                                  policy: o.policy, note: "\(what) vs the same hand-off in C, \(trips) round trips per sample"))
        }

        // Paths: overhead, perturbation, allocations.
        for path in o.paths where o.groups.contains(.path) {
            o.progress("path \(path.rawValue)")
            _ = try PathOverhead.runReference(path, o.path)  // warm-up run of each
            _ = try PathOverhead.runHarness(path, o.path, instrumented: true)
            var samples: [PathSample] = []
            let (steal, _) = try measuringSteal {
                for r in 0..<reps { samples.append(try PathOverhead.sample(path, o.path, repetition: r)) }
            }
            let measured = o.path.packets - o.path.warmup
            metrics.append(.judge(metric: "path_overhead_\(path.rawValue)", values: samples.map(\.harnessFPS),
                                  references: samples.map(\.referenceFPS), target: PathOverhead.target,
                                  unit: "frames/s", stealPercent: steal, policy: o.policy,
                                  note: "harness (stamps + counters, thread trap) vs C pipeline, air none, \(measured) measured packets"))
            metrics.append(.judge(metric: "perturbation_\(path.rawValue)", values: samples.map(\.harnessFPS),
                                  references: samples.map(\.uninstrumentedFPS), target: .ratioWithin(0.03),
                                  unit: "frames/s", stealPercent: steal, policy: o.policy,
                                  note: "stamps and counters on vs off"))
            let counted = samples.compactMap(\.allocationsPerPacket)
            if counted.count == samples.count {
                let detail = samples.map(\.allocationDetail).first { !$0.isEmpty } ?? ""
                var m = BenchMetric.judge(metric: "allocations_\(path.rawValue)", values: counted, references: [],
                                          target: .valueZero, unit: "allocations/packet", stealPercent: 0,
                                          policy: NoisePolicy(maxSpreadPercent: .infinity, maxStealPercent: .infinity),
                                          note: detail.isEmpty ? "counted by the malloc interposer, measured region"
                                              : "counted by the malloc interposer, measured region: \(detail)")
                m.value = counted.max() ?? 0  // the worst repetition: one allocating run is a defect
                m.verdict = m.value == 0 ? .met : .missed
                metrics.append(m)
            } else {
                metrics.append(BenchMetric(metric: "allocations_\(path.rawValue)", value: 0, reference: nil, ratio: nil,
                                           target: .valueZero, verdict: .skipped, spreadPercent: 0,
                                           repetitions: 0, unit: "allocations/packet",
                                           note: "allocation counting inactive: another malloc took precedence over the shim's interposer"))
            }
        }

        // Suite cost.
        if o.suite != .skip {
            for quick in o.suite == .quickAndFull ? [true, false] : [true] {
                let name = quick ? "suite_quick_seconds" : "suite_full_seconds"
                o.progress(quick ? "suite (quick)" : "suite (full, ~11 minutes)")
                let out = o.scratchDirectory + "/vwifi-bench-suite-\(getpid())-\(quick ? "quick" : "full")"
                do {
                    let s = try SuiteCost.wallSeconds(executable: o.executable, suite: o.suiteFile, quick: quick,
                                                      outDirectory: out)
                    metrics.append(BenchMetric(metric: name, value: s, reference: nil, ratio: nil, target: .none,
                                               verdict: .reported, spreadPercent: 0, repetitions: 1, unit: "s",
                                               note: "wall time of `vwifi-bench run \(o.suiteFile)\(quick ? " --quick" : "")`"))
                } catch {
                    metrics.append(BenchMetric(metric: name, value: 0, reference: nil, ratio: nil, target: .none,
                                               verdict: .skipped, spreadPercent: 0, repetitions: 0, unit: "s",
                                               note: "\(error)"))
                }
                try? FileManager.default.removeItem(atPath: out)
            }
            if o.suite == .quick {
                metrics.append(BenchMetric(metric: "suite_full_seconds", value: 0, reference: nil, ratio: nil,
                                           target: .none, verdict: .skipped, spreadPercent: 0, repetitions: 0,
                                           unit: "s", note: "run with --full-suite (about 11 minutes)"))
            }
        }

        var notes: [String] = []
        if let a = benchStart, let b = SystemCPUSnapshot.take() {
            let noise = NoiseReport.between(a, b)
            notes.append("steal over the whole bench: \(NumberFormat.compact(noise.stealPercent))% of CPU time; "
                + "machine busy \(NumberFormat.compact(noise.busyPercentOfOneCore))% of one core")
        }
        notes.append("TSC \(NumberFormat.compact(TSCClock.shared.hz / 1e9)) GHz; \(reps) repetitions, reference and harness interleaved; "
            + "noisy = spread (ratios or either side) > \(NumberFormat.compact(o.policy.maxSpreadPercent))% or steal > "
            + "\(NumberFormat.compact(o.policy.maxStealPercent))%, with the median ratio within that noise of the target")
        return BenchReport(metrics: metrics, notes: notes)
    }

    /// Runs `body` and returns the steal time over it (percent of CPU time; 0 when /proc/stat is
    /// unreadable).
    static func measuringSteal<T>(_ body: () throws -> T) throws -> (Double, T) {
        let a = SystemCPUSnapshot.take()
        let result = try body()
        guard let a, let b = SystemCPUSnapshot.take() else { return (0, result) }
        return (NoiseReport.between(a, b).stealPercent, result)
    }
}
