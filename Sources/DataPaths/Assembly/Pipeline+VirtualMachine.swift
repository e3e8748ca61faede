// One VM of a vwifi pipeline, as its parts hold it.
import Platform

extension Pipeline {
    /// One VM of a vwifi pipeline: what it owns (several VMs share the host driver and μCode).
    struct VirtualMachine {
        let vmID: UInt8
        let memory: GuestMemory
        let rings: GuestRings
        let model: DeviceModel
        let translator: SoftwareTranslator?
        /// The thread-trap guest, its trap and exit handler (nil on the KVM backend).
        let guest: ThreadGuest?
        let trap: ThreadTrap?
        let exitHandler: ExitHandler?
        /// The KVM vCPU running this VM's guest (nil on the thread trap).
        let kvmGuest: KVMGuest?

        /// This VM's components that report to the result.
        var contributors: [any ResultContributor] {
            let all: [(any ResultContributor)?] = [guest, exitHandler, kvmGuest, model, translator]
            return all.compactMap { $0 }
        }
    }
}
