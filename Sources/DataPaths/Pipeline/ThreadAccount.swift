// Everything one pipeline thread measures about itself: its stage stamps, the cycles it spends
// in each Table 1 category, its CPU time and its perf counters. Written only by its own thread;
// read by the executor after the thread was joined.
import CVWiFiShim
import Measurement
import Synchronization

// SAFETY: written only by its own thread; read by the executor after the thread was joined (and
// `progress`, an atomic, by the watchdog).
package final class ThreadAccount: @unchecked Sendable {
    /// Which part of its thread's CPU time an account reports. A KVM vCPU thread is one OS
    /// thread doing two components' work: the guest's code (time in KVM guest mode, which the
    /// kernel samples as the thread's guest_time and counts inside its user time) and the
    /// hypervisor (the rest: KVM in the kernel, as system time, plus the user-space run loop).
    package enum CPUShare {
        case all
        /// Guest mode only: min(user time, guest_time), reported as user time.
        case guestMode
        /// Everything but guest mode: user time - guest time, and all system time.
        case hostMode
        /// Kernel code of this account's component that ran on another component's thread right
        /// after that thread's system call (the augmented host driver's command handling on a
        /// device model's thread): the cycles it charged, reported as system time. The calling
        /// thread's own account (`hosting` set to this one) reports the rest.
        case callerContext
    }

    package let component: Component
    package let name: String
    package let stamps: StampLog
    private let stampsEnabled: Bool
    private let categoryCycles: UnsafeMutablePointer<UInt64>
    private let events: [String]
    private var counters: CounterGroup?

    package private(set) var measuring = false
    package private(set) var startUsage: ThreadUsage?
    package private(set) var endUsage: ThreadUsage?
    package private(set) var counterValues: [String: Double] = [:]
    package private(set) var counterAvailability: [CounterAvailability] = []
    package private(set) var tid: Int32 = 0
    private var allocationsAtStart: UInt64 = 0
    private var guestSecondsAtStart = 0.0
    private var guestSecondsAtEnd = 0.0
    private var softwareEvents: [String] = []
    private var softwareAtStart: SoftwareEventReadings.Snapshot?
    /// Heap allocation calls this thread made inside the measured region.
    package private(set) var measuredAllocations: UInt64 = 0
    /// Set before the thread starts.
    package var cpuShare = CPUShare.all
    /// A `callerContext` account whose work runs on this account's thread; its CPU is taken out
    /// of this one's. Set before the thread starts.
    package var hosting: ThreadAccount?
    /// Identifies the account to `PipelineControl.hold` (the watchdog test's seam); set at assembly.
    package var holdID = 0
    /// Work items this thread handled (descriptors, commands, completions, exits, frames): the
    /// watchdog compares it between looks to name the stage that stopped. Written only by the
    /// owner (a plain load and store, no locked add), read by the watchdog.
    package let progress = Atomic<Int>(0)

    package init(component: Component, name: String, stampCapacity: Int, stampsEnabled: Bool, events: [String]) {
        self.component = component
        self.name = name
        self.stamps = StampLog(capacity: stampsEnabled ? stampCapacity : 1, owner: name)
        self.stampsEnabled = stampsEnabled
        self.events = events
        // SAFETY: one word per TimeCategory, indexed by `category.index` < allCases.count; owned by this
        // account and freed once in deinit.
        categoryCycles = .allocate(capacity: Self.categoryCount)
        categoryCycles.initialize(repeating: 0, count: Self.categoryCount)
    }

    deinit { categoryCycles.deallocate() }

    /// Called first thing on the thread itself: counters are per-thread and open on the caller.
    /// Software events the kernel keeps per thread anyway are read at the region's ends instead
    /// of opened as perf events (see SoftwareEventReadings); the rest go to perf_event_open.
    package func attach() {
        tid = Int32(vw_gettid())
        softwareEvents = events.filter { SoftwareEventReadings.handles($0) }
        let perfEvents = events.filter { !softwareEvents.contains($0) }
        var availability: [String: CounterAvailability] = [:]
        for e in softwareEvents { availability[e] = SoftwareEventReadings.availability(e) }
        if !perfEvents.isEmpty {
            let group = CounterGroup(events: perfEvents)
            for a in group.availability { availability[a.name] = a }
            counters = group
        }
        counterAvailability = events.compactMap { availability[$0] }
    }

    /// Starts the measured region once the run leaves warm-up. Cheap when already measuring.
    @inline(__always) package func follow(_ control: PipelineControl) {
        if !measuring && control.isMeasuring { beginMeasuring() }
        if control.holdsAThread { control.waitWhileHeld(self) }
    }

    /// One work item handled (owner thread only).
    @inline(__always) package func advance(_ n: Int = 1) {
        progress.store(progress.load(ordering: .relaxed) &+ n, ordering: .relaxed)
    }

    /// Work items handled so far (any thread).
    package var progressCount: Int { progress.load(ordering: .relaxed) }

    private func beginMeasuring() {
        measuring = true
        // A second account on the thread begins inside the first's region: nothing here allocates.
        categoryCycles.update(repeating: 0, count: Self.categoryCount)
        startUsage = ThreadUsage.current()
        if readsGuestTime { guestSecondsAtStart = ThreadUsage.guestSeconds(tid: tid) ?? 0 }
        if !softwareEvents.isEmpty { softwareAtStart = .take() }
        counters?.start()
        allocationsAtStart = vw_thread_allocations()
        vw_allocation_trace(1)
    }

    /// Ends the measured region; called by the thread just before it returns.
    package func finish() {
        if !measuring { beginMeasuring() }
        measuredAllocations = vw_thread_allocations() &- allocationsAtStart
        vw_allocation_trace(0)
        counters?.stop()
        endUsage = ThreadUsage.current()
        if readsGuestTime { guestSecondsAtEnd = ThreadUsage.guestSeconds(tid: tid) ?? guestSecondsAtStart }
        if let c = counters { counterValues = c.read() }
        if let start = softwareAtStart {
            let values = SoftwareEventReadings.values(softwareEvents, from: start, to: .take())
            counterValues.merge(values) { _, derived in derived }
        }
        counters?.close()
        counters = nil
    }

    @inline(__always) package func stamp(_ stage: Stage, _ seq: UInt32) {
        if stampsEnabled { stamps.record(stage: stage.rawValue, seq: seq) }
    }

    @inline(__always) package func stamp(_ stage: Stage, _ seq: UInt32, tsc: UInt64) {
        if stampsEnabled { stamps.record(stage: stage.rawValue, seq: seq, tsc: tsc) }
    }

    /// Adds the cycles since `start` to `category` and returns now, so brackets can chain.
    @inline(__always) @discardableResult
    package func charge(_ category: TimeCategory, since start: UInt64) -> UInt64 {
        let now = TSC.now()
        categoryCycles[category.index] &+= now &- start
        return now
    }

    /// Adds cycles measured elsewhere (e.g. from guest and host stamps of one exit) to `category`.
    @inline(__always) package func add(_ category: TimeCategory, cycles: UInt64) {
        categoryCycles[category.index] &+= cycles
    }

    package func cycles(in category: TimeCategory) -> UInt64 { categoryCycles[category.index] }

    package var usage: ThreadUsage? {
        guard let s = startUsage, let e = endUsage else { return nil }
        var u = e - s
        let guest = min(max(0, u.userSeconds), max(0, guestSecondsAtEnd - guestSecondsAtStart))
        switch cpuShare {
        case .all:
            break
        case .guestMode:
            u.userSeconds = guest
            u.systemSeconds = 0
            u.cpuSeconds = guest
        case .hostMode:
            // Scheduling events belong to the thread once: the guest-mode account reports them.
            u.userSeconds -= guest
            u.cpuSeconds = u.userSeconds + u.systemSeconds
            u.voluntarySwitches = 0
            u.involuntarySwitches = 0
            u.minorFaults = 0
        case .callerContext:
            // Never more than the calling thread used; its scheduling events stay with the caller.
            let charged = min(chargedSeconds, max(0, u.userSeconds + u.systemSeconds))
            u = ThreadUsage.zero
            u.systemSeconds = charged
            u.cpuSeconds = charged
        }
        if let hosted = hosting?.usage {
            // The hosted account's seconds come out of system time first (the system call's), then user.
            let fromSystem = min(u.systemSeconds, hosted.systemSeconds)
            u.systemSeconds -= fromSystem
            u.userSeconds = max(0, u.userSeconds - (hosted.systemSeconds - fromSystem))
            u.cpuSeconds = max(0, u.cpuSeconds - hosted.cpuSeconds)
        }
        return u
    }

    /// The guest/host split reads the thread's guest_time (from /proc: allocates, so only where used).
    private static let categoryCount = TimeCategory.allCases.count

    private var readsGuestTime: Bool { cpuShare == .guestMode || cpuShare == .hostMode }

    /// Every category's cycles over the measured region, in seconds.
    private var chargedSeconds: Double {
        var cycles: UInt64 = 0
        for i in 0..<Self.categoryCount { cycles &+= categoryCycles[i] }
        return TSCClock.shared.seconds(cycles: cycles)
    }
}

extension TimeCategory {
    package var index: Int {
        switch self {
        case .virtualIRQDelivery: 0
        case .addressTranslation: 1
        case .ioExitHandlingAndForwarding: 2
        case .decoding: 3
        case .interruptHandlingForwarding: 4
        case .systemCalls: 5
        case .locking: 6
        case .schedulingWakeups: 7
        case .packetCopies: 8
        case .timers: 9
        case .networkStack: 10
        }
    }
}
