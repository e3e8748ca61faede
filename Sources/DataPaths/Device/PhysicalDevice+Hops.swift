// What reaches the device: its TX doorbell. A register write that wakes the μCode's thread; or,
// where nothing can wake it (a KVM guest's store into the mapped register page), the register
// the device's firmware samples.
extension PhysicalDevice {
    var hopConnections: [HopConnection] {
        [HopConnection(into: [.deviceDequeue],
                       wiring.samplesDoorbell ? HopMechanism.sampledDoorbell : HopMechanism.deviceDoorbell)]
    }
}
