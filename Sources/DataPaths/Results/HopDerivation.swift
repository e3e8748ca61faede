// Finds each critical path's hops in the stage stamps. A context is one thread account: one OS
// thread, except a KVM vCPU thread, which is two (guest mode and the hypervisor in host mode,
// with VM exits and entries between). For every measured packet the derivation walks the
// path's stages in order, takes each stamp at or after the previous one, and calls two
// consecutive stamps a hop when their contexts differ, or when a connection into the later
// stage is declared as a same-thread crossing (a system call: kernel code in the caller's
// context). The receiving component's declaration names the mechanism and says whether it
// stays on the thread; the stamps' thread ids must agree, or the hop is `undeclared`.
import Measurement

struct HopDerivation {
    let accounts: [ThreadAccount]
    let connections: [HopConnection]
    let relays: [StampRelay]
    let warmup: UInt32

    /// One stamp and the context (account index) it was taken in.
    /// `timed` is false for a crossing known from the structure but not stamped for this frame:
    /// it counts, without a duration (see `resolve`).
    struct Mark { var tsc: UInt64; var context: Int; var timed = true }
    /// A (stage, seq) is stamped once, or twice when a ping's request and reply share the
    /// sequence number (the TX completion's interrupt and the reply's): keep the first and last.
    struct Marks {
        var first: Mark
        var last: Mark?
        func earliest(atOrAfter t: UInt64) -> Mark? {
            if first.tsc >= t { return first }
            if let last, last.tsc >= t { return last }
            return nil
        }
    }

    private struct Key: Hashable { let path: CriticalPath; let from: Component; let to: Component; let mechanism: String }
    private struct Tally {
        var order: Int
        var fromThread: String
        var toThread: String
        var sameThread: Bool
        var count = 0
        var cycles: [Double] = []
        var stagePairs: [String: Int] = [:]
    }

    func rows(for paths: [CriticalPath]) -> [HopStatistic] {
        let wanted = Set(paths.flatMap(\.stages))
        let index = stampIndex(stages: wanted)
        // The context each interrupt stage runs in, when one component stamps it.
        var handlers = [Int?](repeating: nil, count: Stage.allCases.count)
        for stage in CriticalPath.perInterrupt where wanted.contains(stage) {
            let contexts = Set(index[Int(stage.rawValue)].values.map(\.first.context))
            if let c = contexts.min(), Set(contexts.map { accounts[$0].component }).count == 1 { handlers[Int(stage.rawValue)] = c }
        }
        var byCause: [[(seq: UInt32, marks: Marks)]] = index.map { _ in [] }
        for stage in CriticalPath.perInterrupt where wanted.contains(stage) {
            byCause[Int(stage.rawValue)] = index[Int(stage.rawValue)].map { (seq: $0.key, marks: $0.value) }.sorted { $0.seq < $1.seq }
        }
        var out: [HopStatistic] = []
        for path in paths { out += rows(path, Lookup(index: index, byCause: byCause, handlers: handlers)) }
        return out
    }

    private struct Lookup {
        let index: [[UInt32: Marks]]
        let byCause: [[(seq: UInt32, marks: Marks)]]
        let handlers: [Int?]
    }

    /// The mark of `stages[position]` for packet `seq` at or after `t`. An interrupt stage is
    /// stamped once per interrupt with its cause (the newest completion it covers; causes grow
    /// with time). A frame without a stamp of its own there was covered by the first interrupt
    /// after `t` whose cause is at or after its own, unless that one comes after the frame's
    /// next stamp: then an interrupt already being handled took the frame on the way (its cause
    /// is older), and the frame crossed into the handler's context at a moment no stamp shows.
    private func resolve(_ stages: [Stage], _ position: Int, _ seq: UInt32, after t: UInt64, _ l: Lookup) -> Mark? {
        let stage = stages[position]
        if let m = l.index[Int(stage.rawValue)][seq]?.earliest(atOrAfter: t) { return m }
        guard CriticalPath.perInterrupt.contains(stage) else { return nil }
        let bound = stages[(position + 1)...].lazy.compactMap { l.index[Int($0.rawValue)][seq]?.earliest(atOrAfter: t)?.tsc }.first
        if let c = covering(l.byCause[Int(stage.rawValue)], seq, after: t), bound.map({ c.tsc <= $0 }) ?? true { return c }
        guard bound != nil, let handler = l.handlers[Int(stage.rawValue)] else { return nil }
        return Mark(tsc: t, context: handler, timed: false)
    }

    private func covering(_ sorted: [(seq: UInt32, marks: Marks)], _ seq: UInt32, after t: UInt64) -> Mark? {
        guard !sorted.isEmpty else { return nil }
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid].seq < seq { lo = mid + 1 } else { hi = mid }
        }
        // Bounded: a cause far beyond the frame is not its interrupt.
        for i in lo..<min(sorted.count, lo + 64) {
            if let m = sorted[i].marks.earliest(atOrAfter: t) { return m }
        }
        return nil
    }

    private func stampIndex(stages: Set<Stage>) -> [[UInt32: Marks]] {
        var index = [[UInt32: Marks]](repeating: [:], count: Stage.allCases.count)
        for (i, a) in accounts.enumerated() {
            let relayed = relays.filter { $0.recordedBy === a }
            for s in a.stamps.stamps {
                guard let stage = Stage(rawValue: s.stage), stages.contains(stage) else { continue }
                var context = i
                if let r = relayed.first(where: { $0.stage == stage }),
                   let taker = accounts.firstIndex(where: { $0 === r.takenBy }) {
                    context = taker
                }
                let mark = Mark(tsc: s.tsc, context: context)
                if var m = index[Int(s.stage)][s.seq] {
                    // Logs are in time order per account, not across accounts.
                    if mark.tsc < m.first.tsc {
                        if m.last.map({ $0.tsc < m.first.tsc }) ?? true { m.last = m.first }
                        m.first = mark
                    } else if m.last.map({ $0.tsc < mark.tsc }) ?? true {
                        m.last = mark
                    }
                    index[Int(s.stage)][s.seq] = m
                } else {
                    index[Int(s.stage)][s.seq] = Marks(first: mark, last: nil)
                }
            }
        }
        return index
    }

    private func rows(_ path: CriticalPath, _ lookup: Lookup) -> [HopStatistic] {
        let stages = path.stages
        guard let anchor = stages.first else { return [] }
        var tallies: [Key: Tally] = [:]
        var packets = 0
        // A frame dropped on the way (counted in the drops) did not make the path: the measured
        // packets are those stamped at its last stage (an interrupt stage is stamped per cause,
        // so a path ending in one counts every frame that started it).
        let last = stages[stages.count - 1]
        let arrived: [UInt32: Marks]? = CriticalPath.perInterrupt.contains(last) ? nil : lookup.index[Int(last.rawValue)]
        for (seq, marks) in lookup.index[Int(anchor.rawValue)] where seq >= warmup && (arrived.map { $0[seq] != nil } ?? true) {
            packets += 1
            var previous = (stage: anchor, mark: marks.first)
            for (position, stage) in stages.enumerated().dropFirst() {
                guard let mark = resolve(stages, position, seq, after: previous.mark.tsc, lookup) else { continue }
                let from = accounts[previous.mark.context], to = accounts[mark.context]
                let sameContext = previous.mark.context == mark.context
                let sameThread = sameContext || (from.tid != 0 && from.tid == to.tid)
                let declared = connections.first { $0.leads(into: stage, from: from.component, sameThread: sameThread) }
                if !sameContext || declared != nil {
                    let key = Key(path: path, from: from.component, to: to.component,
                                  mechanism: declared?.mechanism ?? HopMechanism.undeclared)
                    // Mutated in place: a copy taken out and stored back would copy `cycles` every time.
                    if tallies[key] == nil {
                        tallies[key] = Tally(order: position, fromThread: from.name, toThread: to.name, sameThread: sameThread)
                    }
                    tallies[key]!.order = min(tallies[key]!.order, position)
                    tallies[key]!.count += 1
                    if mark.timed && previous.mark.timed { tallies[key]!.cycles.append(Double(mark.tsc - previous.mark.tsc)) }
                    tallies[key]!.stagePairs["\(previous.stage.name)->\(stage.name)", default: 0] += 1
                }
                previous = (stage, mark)
            }
        }
        guard packets > 0 else { return [] }
        return tallies.sorted { ($0.value.order, $0.key.from.rawValue) < ($1.value.order, $1.key.from.rawValue) }.map { key, t in
            let pair = t.stagePairs.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key ?? ""
            return HopStatistic(path: path.rawValue, from: key.from.rawValue, to: key.to.rawValue,
                                mechanism: key.mechanism, fromThread: t.fromThread, toThread: t.toThread, sameThread: t.sameThread,
                                stages: pair, count: t.count, perPacket: Double(t.count) / Double(packets),
                                medianCycles: t.cycles.isEmpty ? 0 : Statistics.median(t.cycles))
        }
    }
}
