// Hardware and software counters of ONE thread, through libpfm4 names and perf_event_open.
import CPfm
import CVWiFiShim
import Glibc

/// Counters of the thread that created it (pid = 0, cpu = -1: this thread, on any CPU).
/// Create, start, stop and read it ON the measured thread. Not Sendable: one per thread.
public final class CounterGroup {
    public static let defaultEvents = [
        "cycles", "instructions", "perf::TASK-CLOCK", "perf::CONTEXT-SWITCHES",
        "perf::PAGE-FAULTS", "perf::CPU-MIGRATIONS",
    ]

    /// One entry per requested event, in request order.
    public private(set) var availability: [CounterAvailability] = []

    /// A perf group leader (or an event opened alone) and the names it reports, in kernel order.
    private struct Leader {
        let fd: Int32
        var names: [String]
        var readBuffer: [UInt64]
    }
    private var leaders: [Leader] = []
    private var memberFDs: [Int32] = []

    /// Opens every event it can; each requested name ends in `availability` with a reason.
    public init(events: [String]) {
        for name in events {
            availability.append(open(name))
        }
        for i in leaders.indices {
            // nr, time_enabled, time_running, then (value, id) per member.
            leaders[i].readBuffer = [UInt64](repeating: 0, count: 3 + 2 * leaders[i].names.count)
        }
    }

    deinit { close() }

    /// Names that count.
    public var openedEvents: [String] { leaders.flatMap(\.names) }

    private func open(_ name: String) -> CounterAvailability {
        let encoded: PfmLibrary.Encoded
        switch PfmLibrary.encode(name) {
        case .failure(let problem):
            return CounterAvailability(name: name, available: false, reason: problem.reason, encoding: "")
        case .success(let value):
            encoded = value
        }
        var attr = encoded.attr
        attr.read_format = vw_perf_format_group() | vw_perf_format_total_time_enabled()
            | vw_perf_format_total_time_running() | vw_perf_format_id()
        attr.exclude_hv = 1
        // Unprivileged users may still count their own user-space side: on EACCES/EPERM each
        // attempt is retried without the kernel side, and the reason says so.
        let mayDropKernel = geteuid() != 0
        var kernelDenied = ""
        func attempt(groupFD: Int32) -> Int32 {
            var fd = Self.openEvent(&attr, groupFD: groupFD, flags: encoded.flags)
            if let denied = SystemCall.errno(of: fd), denied == .permissionDenied || denied == .notPermitted,
               mayDropKernel && attr.exclude_kernel == 0 {
                kernelDenied = PerfOpenFailure.explain(denied, type: attr.type)
                attr.exclude_kernel = 1
                fd = Self.openEvent(&attr, groupFD: groupFD, flags: encoded.flags)
                if fd < 0 { attr.exclude_kernel = 0 }
            }
            return fd
        }
        func userOnlyNote() -> [String] {
            attr.exclude_kernel != 0 ? ["counts user space only: kernel side \(kernelDenied)"] : []
        }

        // Join the first group if there is one; members follow the leader's enable state.
        var notes: [String] = []
        if let group = leaders.first {
            attr.disabled = 0
            let fd = attempt(groupFD: group.fd)
            if fd >= 0 {
                leaders[0].names.append(name)
                memberFDs.append(fd)
                return CounterAvailability(name: name, available: true, reason: userOnlyNote().joined(separator: "; "),
                                           encoding: encoded.description)
            }
            let why = SystemCall.errno(of: fd)?.name ?? "fd \(fd)"
            notes.append("could not join the group (\(why)), opened alone: not read at the same instants as the group")
        }

        attr.disabled = 1
        let fd = attempt(groupFD: -1)
        if let errno = SystemCall.errno(of: fd) {
            return CounterAvailability(name: name, available: false, reason: PerfOpenFailure.explain(errno, type: attr.type),
                                       encoding: encoded.description)
        }
        leaders.append(Leader(fd: fd, names: [name], readBuffer: []))
        return CounterAvailability(name: name, available: true, reason: (notes + userOnlyNote()).joined(separator: "; "),
                                   encoding: encoded.description)
    }

    private static func openEvent(_ attr: inout perf_event_attr, groupFD: Int32, flags: UInt) -> Int32 {
        withUnsafeMutablePointer(to: &attr) {
            vw_perf_event_open(UnsafeMutableRawPointer($0), 0, -1, groupFD, flags)
        }
    }

    /// Resets and enables every group.
    public func start() {
        for leader in leaders {
            _ = vw_perf_reset(leader.fd, 1)
            _ = vw_perf_enable(leader.fd, 1)
        }
    }

    /// Disables every group; the values stay readable.
    public func stop() {
        for leader in leaders {
            _ = vw_perf_disable(leader.fd, 1)
        }
    }

    /// Current values by event name, scaled by time enabled / time running when the kernel
    /// multiplexed the counters. Events that never ran read 0.
    public func read() -> [String: Double] {
        var values: [Double] = []
        read(into: &values)
        return Dictionary(uniqueKeysWithValues: zip(openedEvents, values))
    }

    /// Current values in `openedEvents` order into `values` (resized once if needed), scaled as in
    /// `read()`. Allocates nothing when `values` already has `openedEvents.count` elements.
    public func read(into values: inout [Double]) {
        let total = leaders.reduce(0) { $0 + $1.names.count }
        if values.count != total { values = [Double](repeating: 0, count: total) }
        var slot = 0
        for i in leaders.indices {
            let count = leaders[i].names.count
            let fd = leaders[i].fd
            let got = leaders[i].readBuffer.withUnsafeMutableBytes {
                vw_perf_read(fd, $0.baseAddress, $0.count)
            }
            leaders[i].readBuffer.withUnsafeBufferPointer { buffer in
                let members = got >= 0 ? min(Int(buffer[0]), count) : 0
                let enabled = Double(buffer[1]), running = Double(buffer[2])
                let scale = (running > 0 && running < enabled) ? enabled / running : 1
                for m in 0..<count {
                    values[slot + m] = m < members ? Double(buffer[3 + 2 * m]) * scale : 0
                }
            }
            slot += count
        }
    }

    /// Closes every counter (also done on deinit).
    public func close() {
        for fd in memberFDs { _ = vw_close(fd) }
        for leader in leaders { _ = vw_close(leader.fd) }
        memberFDs.removeAll()
        leaders.removeAll()
    }

    /// Which of `events` count on this machine and why the others do not (opens and closes them).
    public static func probe(events: [String] = defaultEvents) -> [CounterAvailability] {
        let group = CounterGroup(events: events)
        defer { group.close() }
        return group.availability
    }

    /// libpfm4's pfm_initialize result (PFM_SUCCESS = 0), for diagnostics and tests.
    public static var libpfmInitializationResult: Int32 { PfmLibrary.initializationResult }
}
