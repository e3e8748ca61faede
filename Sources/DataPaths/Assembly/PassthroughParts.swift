// The passthrough path's components: one VM's guest (a thread-trap guest and its exit handler,
// or a KVM vCPU), the hypervisor's interrupt forwarder, the IOMMU that confines the device's
// DMA, and the device.
import Platform

struct PassthroughParts: PathParts {
    let device: PhysicalDevice
    let threadGuest: ThreadGuest?
    let exitHandler: ExitHandler?
    let vcpu: KVMGuest?
    let forwarder: InterruptForwarder
    let iommu: IOMMU
    /// A real program's traffic: the guest's network stack.
    var stack: GuestStack? = nil

    var guest: ThreadGuest? { threadGuest }
    var kvmGuest: KVMGuest? { vcpu }
    var contributors: [any ResultContributor] {
        let all: [(any ResultContributor)?] = [device, threadGuest, exitHandler, vcpu, forwarder, iommu, stack]
        return all.compactMap { $0 }
    }
}
