// What reaches the device model: the doorbell (an eventfd kick from the exit handler or the
// vCPU's run loop, or the guest's store itself with ioeventfd) and the host driver's
// completions and received frames on its socket.
extension DeviceModel {
    var hopConnections: [HopConnection] {
        // With a KVM guest (whose descriptors carry its doorbell stamp) the kernel absorbs an
        // ioeventfd store in an exit of its own; a thread-trap guest signals the eventfd itself.
        let ioeventfd = stampsGuestPublication ? "ioeventfd (VM exit absorbed in the kernel)" : "eventfd (ioeventfd doorbell)"
        return [HopConnection(into: [.deviceModelReceipt], from: [.hypervisor], HopMechanism.deviceModelKick),
                HopConnection(into: [.deviceModelReceipt], from: [.guest], ioeventfd),
                HopConnection(into: [.virtualIRQInjection, .rxGuestCopy], from: [.hostDriver], HopMechanism.hostSocket)]
    }
}
