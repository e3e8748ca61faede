// A KVM vCPU thread in a pipeline: one OS thread whose time in guest mode is the guest's and
// whose time in KVM and the run loop is the hypervisor's (two accounts, see KVMGuest).
import Measurement
import Platform

extension Pipeline {
    /// Creates the KVM guest over `memory` (its first 2 MiB reserved for the VMM), with its
    /// thread and stop hook. `model` is the device model behind its doorbell (nil: passthrough);
    /// VM k of several gets its own sequence space, thread name suffix and share of the senders.
    func addKVMGuest(memory: GuestMemory, rings: GuestRings, completionIndexGPA: UInt64, model: DeviceModel?,
                     vmID: UInt8, seqBase: UInt32 = 0, senders: Int = 1, suffix: String = "") throws -> KVMGuest {
        let threadName = KVMGuest.threadName + suffix
        let guestAccount = account(.guest, threadName)
        guestAccount.cpuShare = .guestMode
        let hypervisorAccount = ThreadAccount(component: .hypervisor, name: threadName + ":kvm",
                                              stampCapacity: guestAccount.stamps.capacity,
                                              stampsEnabled: config.stamps, events: [])
        hypervisorAccount.cpuShare = .hostMode
        accounts.append(hypervisorAccount)
        let guest = try KVMGuest(context: ComponentContext(config: config, account: guestAccount, control: control, tally: tally),
                                 hypervisor: hypervisorAccount, memory: memory, rings: rings,
                                 completionIndexGPA: completionIndexGPA, model: model, vmID: vmID,
                                 station: Stations.station(vmID: vmID), peer: Stations.peer, bssid: Stations.bssid,
                                 seqBase: seqBase, senders: senders, threadName: threadName)
        trapBackendName = "kvm"
        add(threadName) { guest.run() }
        closers.append { guest.line.requestStop() }
        return guest
    }
}
