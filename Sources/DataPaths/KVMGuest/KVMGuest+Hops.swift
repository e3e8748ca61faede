// The KVM vCPU thread is two contexts: the guest (KVM guest mode) and the hypervisor's run loop
// (host mode). The doorbell store leaves the first for the second by a VM exit; the device
// model's (vwifi) or the hypervisor's forwarder's (passthrough) interrupt reaches the guest's ISR
// by injection. The guest's doorbell stamp is read from its descriptor and logged by the thread
// that takes the descriptor (device model, or the device on passthrough): it is the guest's.
import VMM

extension KVMGuest {
    var hopConnections: [HopConnection] {
        let mechanism = runner?.interruptLine.mechanism.rawValue ?? InterruptMechanism.pendingFlag.rawValue
        return [HopConnection(into: [.trapExit], from: [.guest], "VM exit (MMIO write)", sameThread: true),
                HopConnection(into: [.guestISR, .rxDelivery], from: [.deviceModel, .hypervisor], "injection (\(mechanism))")]
    }

    var stampRelays: [StampRelay] {
        guard let recorder = doorbellStampRecorder ?? model?.account else { return [] }
        // Passthrough: the device also logs the guest's publication as queued_to_device (the
        // guest's store is the device's queue), taken at the same guest TSC.
        let stages: [Stage] = doorbellStampRecorder == nil ? [.doorbell] : [.doorbell, .queuedToDevice]
        return stages.map { StampRelay(stage: $0, recordedBy: recorder, takenBy: account) }
    }
}
