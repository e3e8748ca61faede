import CVWiFiShim
import Measurement

/// An MSI route (KVM_IRQ_ROUTING_MSI): a signal on `gsi` (an irqfd) is delivered as the MSI
/// write a PCI device would make: address 0xFEE00000 | destination APIC ID << 12 (physical
/// destination mode, no redirection hint), data = vector, fixed delivery, edge triggered
/// (Intel SDM Vol. 3A 11.11.1 and 11.11.2).
public struct MSIRoute: Sendable, Equatable {
    public var gsi: UInt32
    public var vector: UInt8
    public var destinationAPICID: UInt8

    public init(gsi: UInt32, vector: UInt8, destinationAPICID: UInt8 = 0) {
        self.gsi = gsi
        self.vector = vector
        self.destinationAPICID = destinationAPICID
    }

    public var addressLow: UInt32 { 0xFEE0_0000 | UInt32(destinationAPICID) << 12 }
    public var data: UInt32 { UInt32(vector) }

    /// struct kvm_irq_routing_entry (include/uapi/linux/kvm.h): u32 gsi, type, flags, pad, then
    /// the 32-byte union whose msi member is u32 address_lo, address_hi, data, pad.
    public static let entryBytes = 48
    /// struct kvm_irq_routing's header: u32 nr, u32 flags, then the entries.
    public static let headerBytes = 8

    /// The KVM_SET_GSI_ROUTING argument for `routes` (it replaces the VM's whole routing table).
    public static func routingTable(_ routes: [MSIRoute]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: headerBytes + routes.count * entryBytes)
        func put(_ value: UInt32, at offset: Int) {
            for i in 0..<4 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) }
        }
        put(UInt32(routes.count), at: 0)
        for (index, route) in routes.enumerated() {
            let entry = headerBytes + index * entryBytes
            put(route.gsi, at: entry)
            put(UInt32(KVM_IRQ_ROUTING_MSI), at: entry + 4)
            put(route.addressLow, at: entry + 16)
            put(0, at: entry + 20)   // address_hi: no extended destination ID
            put(route.data, at: entry + 24)
        }
        return bytes
    }
}

extension KVMVirtualMachine {
    /// Installs `routes` as the VM's GSI routing table (KVM_SET_GSI_ROUTING, needs the in-kernel
    /// irqchip): an irqfd bound to one of these GSIs then injects its vector.
    public func setGSIRouting(_ routes: [MSIRoute]) throws(VMMError) {
        var table = MSIRoute.routingTable(routes)
        let result = table.withUnsafeMutableBytes { buffer in
            // SAFETY: the kernel reads nr * 48 + 8 bytes, exactly the buffer's size (routingTable
            // sized it from the same count); the buffer outlives the synchronous ioctl.
            vw_ioctl_ptr(vmFD, VW_KVM_SET_GSI_ROUTING, buffer.baseAddress)
        }
        try SystemCall.check("KVM_SET_GSI_ROUTING (\(routes.count) MSI routes)", result,
                             hint: "needs createIRQChip() and KVM_CAP_IRQ_ROUTING", as: VMMError.init)
    }
}
