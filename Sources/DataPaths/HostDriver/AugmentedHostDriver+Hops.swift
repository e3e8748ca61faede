// What reaches the augmented host driver: the device models' commands on their sockets, and
// the device's interrupt.
extension AugmentedHostDriver {
    var hopConnections: [HopConnection] {
        [HopConnection(into: [.hostDriverReceipt], from: [.deviceModel], HopMechanism.hostSocket),
         HopConnection(into: [.physicalIRQ, .rxPhysicalIRQ], from: [.device], HopMechanism.physicalInterrupt)]
    }
}
