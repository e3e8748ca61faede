// Stamp cost: recording one stage stamp into a StampLog against the physical floor, one bare
// rdtsc stored into a preallocated array. Both loops keep their results alive through a sink.
import CVWiFiShim
import Measurement

public enum StampCost {
    /// TSC cycles per operation for `count` operations: (stamp, bare) measured back to back.
    public static func measureOnce(count: Int, log: StampLog, bare: UnsafeMutablePointer<UInt64>) -> (stamp: Double, bare: Double) {
        log.reset()
        let s0 = vw_rdtsc()
        recordStamps(log, count: count)
        let s1 = vw_rdtsc()
        sink(log.count)
        let b0 = vw_rdtsc()
        storeBareReads(bare, count: count)
        let b1 = vw_rdtsc()
        sink(Int(truncatingIfNeeded: bare[count - 1]))
        return (Double(s1 &- s0) / Double(count), Double(b1 &- b0) / Double(count))
    }

    @inline(never)
    static func recordStamps(_ log: StampLog, count: Int) {
        var i = 0
        while i < count {
            log.record(stage: 3, seq: UInt32(truncatingIfNeeded: i))
            i &+= 1
        }
    }

    @inline(never)
    static func storeBareReads(_ bare: UnsafeMutablePointer<UInt64>, count: Int) {
        var i = 0
        while i < count {
            // SAFETY: i < count and `bare` holds `count` initialized words.
            bare[i] = vw_rdtsc()
            i &+= 1
        }
    }

    /// Keeps a result observable so the optimizer cannot delete the loop that made it.
    @inline(never)
    static func sink(_ x: Int) {
        withExtendedLifetime(x) {}
        sinkWord = x
    }

    // SAFETY: written only by `sink` on the measuring thread and never read: it only keeps results alive.
    nonisolated(unsafe) static var sinkWord = 0
}
