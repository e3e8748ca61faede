// What reaches the native host driver: the device's interrupt (its own thread), and the app's
// send(), whose transmit routine runs in the app's system call (no thread change).
extension NativeHostDriver {
    var hopConnections: [HopConnection] {
        [HopConnection(into: [.physicalIRQ, .rxPhysicalIRQ], from: [.device], HopMechanism.physicalInterrupt),
         HopConnection(into: [.hostDriverReceipt], from: [.app], "system call (send)", sameThread: true)]
    }
}
