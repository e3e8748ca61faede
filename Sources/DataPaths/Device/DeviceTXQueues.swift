// The device's TX queues as the μCode serves them: one ring on most paths; on vwifi one per VM
// (multi-queue hardware), so every device model's thread produces into its own ring without a
// lock, and the μCode takes one descriptor per non-empty queue per turn, as VMs sharing the
// radio share its air time.
import Platform

final class DeviceTXQueues: @unchecked Sendable {
    // SAFETY: `next` is touched only by the device thread (the consumer of every ring); the
    // rings are SPSC, each with its own producer.
    let rings: [DescriptorRing]
    private var next = 0

    init(_ wiring: DeviceWiring) { rings = [wiring.txRing] + wiring.moreTXRings }

    /// The next descriptor, round robin over the queues starting after the one served last.
    @inline(__always) func pop(into d: inout Descriptor) -> Bool {
        let n = rings.count
        if n == 1 { return rings[0].tryPop(into: &d) }
        var i = 0
        while i < n {
            let k = next
            next = k + 1 == n ? 0 : k + 1
            if rings[k].tryPop(into: &d) { return true }
            i += 1
        }
        return false
    }

    var isEmpty: Bool {
        var i = 0
        while i < rings.count {
            if !rings[i].isEmpty { return false }
            i += 1
        }
        return true
    }

    /// Descriptors queued and not yet taken, over every queue (the watchdog asks).
    var count: Int { rings.reduce(0) { $0 + $1.count } }
}
