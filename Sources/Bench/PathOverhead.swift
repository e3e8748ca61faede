// Path overhead, instrumentation perturbation and allocations: each data path run by the
// harness (DataPaths.PipelineExecutor, air none) beside the C reference pipeline with the same
// threads and hand-offs but no harness (CReference's vwr_pipeline_run), and the harness again
// with stamps and counters off. All three report frames per second the same way: post-warm-up
// deliveries at the access point, (n - 1) over the span from the first to the last.
import CReference
import DataPaths
import Measurement

public struct PathRunSettings: Sendable, Equatable {
    public var packets: Int
    public var warmup: Int
    public var payload: Int = 1450
    public var ringSize: Int = 256
    public init(packets: Int, warmup: Int) {
        self.packets = packets
        self.warmup = warmup
    }
}

/// One repetition of one path: the three rates and the harness's allocations.
public struct PathSample: Sendable, Equatable {
    public var path: PathKind
    public var referenceFPS: Double
    public var harnessFPS: Double
    public var uninstrumentedFPS: Double
    /// Heap allocations per measured packet in the instrumented run; nil when not counted.
    public var allocationsPerPacket: Double?
    /// Which harness threads allocated, e.g. "vw-hostdrv=3".
    public var allocationDetail: String
}

public enum PathOverhead {
    /// The harness's rate over the reference's: at least 0.87 (the harness costs at most ~13 %),
    /// at most 1.15 (a harness clearly faster than the C doing the same work means the two do
    /// different work).
    public static let target = BenchTarget.ratioBetween(0.87, 1.15)

    /// The harness configuration compared with the reference. The thread trap backend is forced:
    /// the reference's trap is the same futex request/resume hand-off (KVM exits are another
    /// mechanism, measured by the VMM's own exit-cost meter).
    public static func harnessConfig(_ path: PathKind, _ s: PathRunSettings, instrumented: Bool) -> PathConfig {
        var c = PathConfig(path: path)
        c.air = .none
        c.packets = s.packets
        c.warmupPackets = s.warmup
        c.size = s.payload
        c.ringSize = s.ringSize
        c.rate = nil
        c.trap = .thread
        c.stamps = instrumented
        c.counters = instrumented ? PathConfig.defaultCounters : []
        return c
    }

    public static func referencePathID(_ path: PathKind) -> Int32 {
        switch path {
        case .native: Int32(VWR_NATIVE)
        case .passthrough: Int32(VWR_PASSTHROUGH)
        case .vwifi: Int32(VWR_VWIFI)
        }
    }

    /// The C reference pipeline's result for one run.
    public static func runReference(_ path: PathKind, _ s: PathRunSettings) throws -> vwr_pipeline_result {
        var out = vwr_pipeline_result()
        let rc = vwr_pipeline_run(referencePathID(path), s.packets, s.warmup, Int32(s.payload), Int32(s.ringSize), &out)
        try SystemCall.check("vwr_pipeline_run(\(path.rawValue))", rc, hint: referenceHint(rc), as: BenchError.reference)
        return out
    }

    /// What the reference pipeline's errnos mean.
    private static func referenceHint(_ rc: Int32) -> String {
        switch SystemCall.errno(of: rc) {
        case Errno.protocolError: "a frame failed verification"
        case Errno.timedOut: "stalled"
        case Errno.notPermitted: "the native reference needs root (its own network namespace and TUN device)"
        default: ""
        }
    }

    public static func runHarness(_ path: PathKind, _ s: PathRunSettings, instrumented: Bool) throws -> PathResult {
        let config = harnessConfig(path, s, instrumented: instrumented)
        do {
            return try PipelineExecutor().run(config, control: RunControl())
        } catch {
            throw BenchError.harness("path \(path.rawValue) failed: \(error)")
        }
    }

    /// One repetition: reference, instrumented and uninstrumented harness runs, in an order
    /// rotated by `repetition` so slow drift hits each of them alike.
    public static func sample(_ path: PathKind, _ s: PathRunSettings, repetition: Int) throws -> PathSample {
        var reference = 0.0, on = 0.0, off = 0.0
        var allocations: Double? = nil
        var detail = ""
        for k in 0..<3 {
            switch (k + repetition) % 3 {
            case 0:
                reference = try runReference(path, s).frames_per_s
            case 1:
                let r = try runHarness(path, s, instrumented: true)
                on = r.summary.framesPerSecond
                if !r.allocations.isEmpty {
                    let total = r.allocations.values.reduce(0, +)
                    allocations = Double(total) / Double(max(1, s.packets - s.warmup))
                    detail = r.allocations.filter { $0.value > 0 }.sorted { $0.key < $1.key }
                        .map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                }
            default:
                off = try runHarness(path, s, instrumented: false).summary.framesPerSecond
            }
        }
        return PathSample(path: path, referenceFPS: reference, harnessFPS: on, uninstrumentedFPS: off,
                          allocationsPerPacket: allocations, allocationDetail: detail)
    }
}
