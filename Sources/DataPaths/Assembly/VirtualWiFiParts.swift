// The vwifi path's components: every VM (guest, exit handler or KVM vCPU, device model,
// translator), the shared IOMMU if any, the augmented host driver and the device.
import Platform

struct VirtualWiFiParts: PathParts {
    let device: PhysicalDevice
    /// VM 1 first: its guest, model and vCPU are the single-VM accessors'.
    let machines: [Pipeline.VirtualMachine]
    let iommu: IOMMU?
    let driver: AugmentedHostDriver
    /// A real program's traffic: VM 1's network stack.
    var stack: GuestStack? = nil

    var guest: ThreadGuest? { machines.first?.guest }
    var deviceModel: DeviceModel? { machines.first?.model }
    var kvmGuest: KVMGuest? { machines.first?.kvmGuest }
    var augmentedDriver: AugmentedHostDriver? { driver }

    var contributors: [any ResultContributor] {
        [device] + machines.flatMap(\.contributors) + [iommu].compactMap { $0 } + [driver] + (stack.map { [$0] } ?? [])
    }

    func contributeAcross(to readings: inout ResultReadings, config: PathConfig) {
        device.contributeBySender(machines.map(\.vmID), to: &readings)
    }
}
