// What the watchdog knows about each pipeline stage: its thread's progress counter and what is
// queued for it upstream. When a run stops moving it names the stage that holds the work:
// the most downstream stage (in TX order) with work waiting for it that made no progress.
// Back-pressure stops every stage upstream of a stuck one too, but those are blocked on a full
// queue downstream, whose owner is the one that stopped.
import CVWiFiShim
struct StallWatch {
    private let stages: [WatchedStage]
    /// Each stage's progress when the run last moved.
    private var atLastMove: [Int]

    init(_ stages: [WatchedStage]) {
        self.stages = stages
        atLastMove = stages.map { $0.account.progressCount }
    }

    /// The run moved: remember where every stage stood.
    mutating func moved() {
        for (i, s) in stages.enumerated() { atLastMove[i] = s.account.progressCount }
    }

    /// Names the stage that stopped, what waits for it, and every stage's progress.
    func diagnose(stalledFor seconds: Double) -> String {
        let current = stages.map { $0.account.progressCount }
        let still = stages.indices.filter { current[$0] == atLastMove[$0] }
        let progress = "last progress: " + stages.indices.map { "\(stages[$0].label) \(current[$0])" }
            .joined(separator: ", ")
        let duration = seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
        for i in still.reversed() {
            if let waiting = stages[i].waiting() {
                let s = stages[i]
                return "\(s.label) (\(s.account.name)) made no progress for \(duration) while \(waiting); \(progress)"
            }
        }
        if let first = still.first {
            let s = stages[first]
            return "\(s.label) (\(s.account.name)) made no progress for \(duration) and nothing is queued for any "
                + "stage (the first stage that stopped, in pipeline order); \(progress)"
        }
        return "no packet moved for \(duration) though every stage's thread still counts work; \(progress)"
    }

    /// True when a socket has a message waiting (poll with no timeout; any thread may ask).
    static func readable(_ fd: Int32) -> Bool {
        var ready: Int32 = 0, unused: Int32 = 0
        return vw_poll2(fd, -1, 0, &ready, &unused) > 0 && ready != 0
    }
}
