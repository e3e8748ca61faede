// What reaches a thread-trap guest: its virtual interrupt line (a pending count and a futex
// wake when it is halted), raised by the hypervisor's forwarder or the device model.
extension ThreadGuest {
    var hopConnections: [HopConnection] {
        [HopConnection(into: [.guestISR, .rxDelivery], from: [.hypervisor, .deviceModel], HopMechanism.interruptLine)]
    }
}
