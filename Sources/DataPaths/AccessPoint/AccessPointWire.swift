// The access point's wire port: a device-side thread that sleeps in poll(2) on the peer's TUN
// interface and, when a packet is there, rings the device (its doorbell notifier), then waits
// until the device has emptied the TUN before it polls again. It stands for the access point's
// own hardware noticing its Ethernet port, so its CPU is the device's, never host CPU.
import CVWiFiShim
import Measurement
import Platform

final class AccessPointWire: PipelineComponent, @unchecked Sendable {
    // SAFETY: the bridge and doorbell are thread-safe handles; nothing else is shared.
    package let context: ComponentContext
    private let bridge: PeerBridge
    private let doorbell: Notifier

    init(context: ComponentContext, bridge: PeerBridge, doorbell: Notifier) {
        self.context = context
        self.bridge = bridge
        self.doorbell = doorbell
    }

    func run() {
        runLoop {
            let token = bridge.drained.prepare()
            if bridge.pending.load(ordering: .acquiring) {
                _ = bridge.drained.wait(after: token, spinIterations: 0, timeoutNs: 100_000_000)
                return
            }
            guard vw_poll_readable(bridge.tun, 100) > 0 else { return }
            bridge.pending.store(true, ordering: .releasing)
            _ = doorbell.signal()
        }
    }
}
