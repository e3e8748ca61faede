// The kernel's per-thread software events, read from what the kernel keeps for every thread
// anyway (getrusage(RUSAGE_THREAD), CLOCK_THREAD_CPUTIME_ID, /proc/thread-self/sched) at the two
// ends of the measured region, instead of from perf events. A perf event attached to a thread
// makes every context switch of that thread pay to switch the event context; the data paths
// switch several times per packet, and `vwifi-bench bench` measured passthrough ~18 % slower
// with the four default software events opened as perf events. Reading them at the
// ends costs nothing per packet and counts the same things.
#if canImport(Glibc)
import Glibc
#endif

public enum SoftwareEventReadings {
    /// Events counted this way, as libpfm4 spells them in `--counters`.
    public static let events: Set<String> = ["perf::TASK-CLOCK", "perf::CONTEXT-SWITCHES", "perf::PAGE-FAULTS",
                                      "perf::CPU-MIGRATIONS"]

    public static func handles(_ event: String) -> Bool {
        events.contains(event) && (event != "perf::CPU-MIGRATIONS" || migrations() != nil)
    }

    public static func availability(_ event: String) -> CounterAvailability {
        let source = switch event {
        case "perf::TASK-CLOCK": "CLOCK_THREAD_CPUTIME_ID"
        case "perf::CPU-MIGRATIONS": "/proc/thread-self/sched (se.nr_migrations)"
        default: "getrusage(RUSAGE_THREAD)"
        }
        return CounterAvailability(name: event, available: true,
                                   reason: "read from \(source) at the region's ends, not a perf event (which taxes every context switch)",
                                   encoding: source)
    }

    /// A snapshot of the calling thread.
    public struct Snapshot {
        var usage: ThreadUsage
        var migrations: Int?
        public static func take() -> Snapshot {
            Snapshot(usage: ThreadUsage.current(), migrations: SoftwareEventReadings.migrations())
        }
    }

    /// The events' values between two snapshots, in perf's units (TASK-CLOCK in nanoseconds).
    public static func values(_ events: [String], from a: Snapshot, to b: Snapshot) -> [String: Double] {
        var out: [String: Double] = [:]
        for e in events {
            switch e {
            case "perf::TASK-CLOCK": out[e] = max(0, (b.usage.cpuSeconds - a.usage.cpuSeconds) * 1e9)
            case "perf::CONTEXT-SWITCHES":
                out[e] = Double((b.usage.voluntarySwitches + b.usage.involuntarySwitches)
                    - (a.usage.voluntarySwitches + a.usage.involuntarySwitches))
            case "perf::PAGE-FAULTS": out[e] = Double(b.usage.minorFaults - a.usage.minorFaults)
            case "perf::CPU-MIGRATIONS":
                if let x = a.migrations, let y = b.migrations { out[e] = Double(y - x) }
            default: break
            }
        }
        return out
    }

    /// se.nr_migrations of the calling thread; nil without CONFIG_SCHED_DEBUG's sched file.
    public static func migrations() -> Int? {
        guard let text = TextFile.read("/proc/thread-self/sched") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("se.nr_migrations") {
            if let value = line.split(separator: ":").last, let n = Int(value.filter { $0 != " " && $0 != "\t" }) { return n }
        }
        return nil
    }
}
