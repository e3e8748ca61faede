// The access point's wired side when a real program is the traffic, on every path: the peer's TUN
// interface behind the device's access point (PeerBridge) and the watcher that rings the device
// when the peer's kernel has a packet (AccessPointWire).
import Platform

extension Pipeline {
    /// The access point's wired side: the peer's TUN behind the device's access point, and its
    /// wire watcher ringing the device through a signaller view of its own (each signaller's
    /// counts stay its own).
    @discardableResult
    func addPeerWire(peerTUN: Int32, device: PhysicalDevice) -> PeerBridge {
        let bridge = PeerBridge(tun: peerTUN)
        device.bridge = bridge
        let wireBell = Notifier(signallingWaiterOf: device.wiring.doorbell)
        notifiers += [wireBell, bridge.drained]
        let wire = AccessPointWire(context: context(.device, "vw-ap-wire"), bridge: bridge, doorbell: wireBell)
        add("vw-ap-wire") { wire.run() }
        closers.append { bridge.drained.close() }
        return bridge
    }
}
