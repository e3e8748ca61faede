// The passthrough path's components: one VM's guest and exit handler, the hypervisor's interrupt
// forwarder, the IOMMU that confines the device's DMA, and the device.
import Platform

struct PassthroughParts: PathParts {
    let device: PhysicalDevice
    let threadGuest: ThreadGuest
    let exitHandler: ExitHandler
    let forwarder: InterruptForwarder
    let iommu: IOMMU

    var guest: ThreadGuest? { threadGuest }
    var contributors: [any ResultContributor] { [device, threadGuest, exitHandler, forwarder, iommu] }
}
