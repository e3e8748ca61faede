// The access point and the wired peer beyond it: they sink TX traffic (verifying every payload),
// source RX traffic and answer echo requests. They stand for the network, so they run inside the
// device thread and their CPU is never host CPU.
import Platform

struct AccessPoint: ~Copyable {
    private var seen: SequenceSet
    private(set) var delivered = 0
    private(set) var measuredDelivered = 0
    private(set) var firstMeasuredNs: Int64 = 0
    private(set) var lastMeasuredNs: Int64 = 0
    private(set) var bytesMeasured = 0
    let warmup: UInt32
    /// Each sender numbers its frames from a multiple of `stride` (one sequence space per VM):
    /// a frame is a warm-up frame when its number within its sender's space is below `warmup`.
    let stride: UInt32

    init(capacity: Int, warmup: Int, stride: UInt32 = .max) {
        seen = SequenceSet(capacity: capacity)
        self.warmup = UInt32(clamping: warmup)
        self.stride = max(1, stride)
    }

    enum Verdict: Equatable { case fresh(seq: UInt32, kind: FrameKind, payload: Int), duplicate(UInt32), corrupt(String) }

    /// Checks a frame that came off the air: FCS, headers, payload checksum, no duplicate.
    mutating func accept(frame: UnsafeRawPointer, length: Int, nowNs: Int64) -> Verdict {
        switch FrameFormat.verify(frame: frame, length: length) {
        case .corrupt(let reason):
            return .corrupt(reason)
        case .ok(let seq, let payloadLength, let kind):
            if !seen.insert(seq) { return .duplicate(seq) }
            delivered += 1
            if seq % stride >= warmup {
                if measuredDelivered == 0 { firstMeasuredNs = nowNs }
                measuredDelivered += 1
                lastMeasuredNs = nowNs
                bytesMeasured += payloadLength
            }
            return .fresh(seq: seq, kind: kind, payload: payloadLength)
        }
    }
}
