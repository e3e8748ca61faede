// The KVM vCPU thread is two contexts: the guest (KVM guest mode) and the hypervisor's run loop
// (host mode). The doorbell store leaves the first for the second by a VM exit; the device
// model's interrupt reaches the guest's ISR by injection. The guest's doorbell stamp is read
// from its descriptor and logged by the device model's thread: it is the guest's.
import VMM

extension KVMGuest {
    var hopConnections: [HopConnection] {
        let mechanism = runner?.interruptLine.mechanism.rawValue ?? InterruptMechanism.pendingFlag.rawValue
        return [HopConnection(into: [.trapExit], from: [.guest], "VM exit (MMIO write)", sameThread: true),
                HopConnection(into: [.guestISR], from: [.deviceModel], "injection (\(mechanism))")]
    }

    var stampRelays: [StampRelay] {
        [StampRelay(stage: .doorbell, recordedBy: model.account, takenBy: account)]
    }
}
