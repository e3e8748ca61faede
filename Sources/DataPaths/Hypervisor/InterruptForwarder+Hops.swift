// What reaches the hypervisor's interrupt forwarder: the device's physical interrupt.
extension InterruptForwarder {
    var hopConnections: [HopConnection] {
        [HopConnection(into: [.physicalIRQ], from: [.device], HopMechanism.physicalInterrupt)]
    }
}
