// What reaches the device: its TX doorbell, a register write that wakes the μCode's thread.
extension PhysicalDevice {
    var hopConnections: [HopConnection] {
        [HopConnection(into: [.deviceDequeue], HopMechanism.deviceDoorbell)]
    }
}
