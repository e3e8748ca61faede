import CVWiFiShim
import Measurement
import Platform
import VMM

/// Who writes the device's TX and RX-free rings, and so what their addresses may be. The
/// trust level is a property of the ring, fixed at assembly; nothing a descriptor carries can
/// change it.
enum RingOwner: Equatable {
    /// The host driver's own rings in host memory: the host driver sets each descriptor's flags
    /// (a host buffer, or a VM-tagged GPA for the IOMMU) and has validated the VM behind it.
    case hostDriver
    /// Rings in one VM's memory, written by its guest (an assigned device): every address is a
    /// GPA of that VM, translated through that VM's IOMMU domain whatever the flags say.
    case guest(vmID: UInt8)
}

/// Where the device's descriptors point, per path.
struct DeviceWiring {
    var txRing: DescriptorRing
    var doorbell: Notifier
    /// TX status and RX frame descriptors for the interrupt handler.
    var completions: DescriptorRing
    /// RX buffers posted by the driver.
    var rxFree: DescriptorRing
    var irq: PhysicalInterrupt
    /// Translates guest addresses in descriptors (nil: only host addresses are valid).
    var iommu: IOMMU?
    /// Who writes `txRing` and `rxFree`.
    var owner: RingOwner
    /// Further TX queues, served round robin with `txRing` (vwifi: one per VM, each written by
    /// that VM's device-model thread, where the host driver's command handling runs).
    var moreTXRings: [DescriptorRing] = []
    /// Passthrough: the register page the guest driver writes its TX tail into. The device takes
    /// TX descriptors up to that tail only (nil: whatever the ring's producer published).
    var registers: DeviceRegisterPage? = nil
    /// True when nothing wakes the device on a doorbell (the KVM backend: the store lands in the
    /// mapped page): it samples the register instead of sleeping until `doorbell` is signalled.
    var samplesDoorbell = false
    /// Where TX statuses and RX frames go back to a guest driver, in the format it reads (nil:
    /// pushed to `completions`, read by a host driver or the thread-trap guest).
    var guestCompletions: GuestCompletionSink? = nil
}
