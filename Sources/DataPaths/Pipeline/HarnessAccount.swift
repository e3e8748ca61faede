// The `harness` row of cpu.csv: the executor's supervising thread (progress polling, the stall
// watchdog, stopping and joining the threads) and every other thread of the process outside
// the pipeline (e.g. a runtime's helper thread; this row is how a Dispatch signal-source
// thread, woken by every KVM vCPU kick, showed up at 14 % of a core before the CLI's signal
// handling moved to a plain handler). With the process's CPU at the window's end, whatever the
// process spends while measuring is in some row.
import Measurement

final class HarnessAccount {
    // Used only by the executor's own thread: no lock.
    private var start: ThreadUsage?
    private var end: ThreadUsage?
    private var pipelineThreads: Set<Int32> = []
    private var othersAtStart: [Int32: ThreadUsage] = [:]
    private var others = ThreadUsage.zero
    /// The process's CPU once every pipeline thread was joined (nil before, or when getrusage failed).
    private(set) var processAtEnd: ThreadUsage?

    /// Called by the supervising thread on every poll. Its region starts at the first poll after
    /// the warm-up ended; it sleeps between polls, so starting up to one poll late costs it nothing.
    func follow(_ p: Pipeline) {
        guard start == nil && p.control.isMeasuring else { return }
        start = .current()
        let mine = ThreadUsage.currentThreadID()
        pipelineThreads = Set(p.accounts.map(\.tid))
        for tid in ThreadUsage.processThreadIDs() where tid != mine && !pipelineThreads.contains(tid) {
            othersAtStart[tid] = ThreadUsage.of(tid: tid)
        }
    }

    /// Called on the supervising thread after every pipeline thread was joined: stopping them
    /// is the harness's work too, and joined threads' time is final in the process's total.
    func finish() {
        end = .current()
        if start != nil {
            let mine = ThreadUsage.currentThreadID()
            // A joined thread may linger in /proc for a moment: known pipeline threads are skipped.
            for tid in ThreadUsage.processThreadIDs() where tid != mine && !pipelineThreads.contains(tid) {
                guard let now = ThreadUsage.of(tid: tid) else { continue }
                // A thread started inside the window spent all its time there.
                others = others + (now - (othersAtStart[tid] ?? .zero)).splitByTicks
            }
        } else {
            start = end  // the run never left warm-up: an empty region, as for the accounts
        }
        processAtEnd = .process()
    }

    /// The harness's use over its region; nil before `finish`.
    var usage: ThreadUsage? {
        guard let start, let end else { return nil }
        return end - start + others
    }
}
