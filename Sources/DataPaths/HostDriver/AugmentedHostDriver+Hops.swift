// What reaches the augmented host driver: each device model's command, by a write(2) whose
// handling runs on the device model's thread (the kernel side of the call), and
// the device's interrupt.
extension AugmentedHostDriver {
    var hopConnections: [HopConnection] {
        [HopConnection(into: [.hostDriverReceipt], from: [.deviceModel], "system call (write)", sameThread: true),
         HopConnection(into: [.physicalIRQ, .rxPhysicalIRQ], from: [.device], HopMechanism.physicalInterrupt)]
    }
}
