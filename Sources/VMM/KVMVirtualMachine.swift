import CVWiFiShim
import Measurement

/// A KVM virtual machine over caller-provided guest RAM: one memory slot covering the host
/// region, halt polling disabled where the host allows it, and ioeventfd registration.
public final class KVMVirtualMachine {
    public let device: String
    public let ram: GuestRAM
    /// KVM API version (12 on every kernel since 2.6.22).
    public let apiVersion: Int
    /// Whether KVM_CAP_HALT_POLL accepted 0 (no busy polling on a 2-core box).
    public private(set) var haltPollingDisabled = false
    let systemFD: Int32
    let vmFD: Int32
    let vcpuMapSize: Int
    private var nextVCPU: UInt64 = 0
    private var ioEventFDs: [(address: UInt64, length: UInt32, fd: Int32)] = []

    /// Opens `device`, creates the VM and maps `ram` as memory slot 0.
    public init(device: String = "/dev/kvm", ram: GuestRAM) throws(VMMError) {
        self.device = device
        self.ram = ram
        let systemFD = try SystemCall.check("open \(device)", vw_open_rdwr(device),
                                            hint: "is the kvm module loaded and the device readable and writable by this user?",
                                            as: VMMError.init)
        let version = vw_ioctl_int(systemFD, VW_KVM_GET_API_VERSION, 0)
        guard version == 12 else {
            vw_close(systemFD)
            throw VMMError("\(device): KVM API version \(version), expected 12")
        }
        let mapSize: Int32, vmFD: Int32
        do throws(VMMError) {
            mapSize = try SystemCall.check("KVM_GET_VCPU_MMAP_SIZE", vw_ioctl_int(systemFD, VW_KVM_GET_VCPU_MMAP_SIZE, 0), as: VMMError.init)
            guard mapSize > 0 else { throw VMMError("\(device): KVM_GET_VCPU_MMAP_SIZE returned 0") }
            vmFD = try SystemCall.check("KVM_CREATE_VM", vw_ioctl_int(systemFD, VW_KVM_CREATE_VM, 0), as: VMMError.init)
        } catch {
            vw_close(systemFD)
            throw error
        }
        self.systemFD = systemFD
        self.vmFD = vmFD
        self.vcpuMapSize = Int(mapSize)
        self.apiVersion = Int(version)

        var region = kvm_userspace_memory_region()
        region.slot = 0
        region.flags = 0
        region.guest_phys_addr = ram.guestPhysicalBase
        region.memory_size = ram.size
        region.userspace_addr = UInt64(UInt(bitPattern: ram.base))
        try SystemCall.check("KVM_SET_USER_MEMORY_REGION", vw_ioctl_ptr(vmFD, VW_KVM_SET_USER_MEMORY_REGION, &region),
                             hint: "guest RAM must be page aligned, a multiple of 4 KiB", as: VMMError.init)
        // Intel without unrestricted guest needs three pages for the real-mode TSS; harmless
        // elsewhere. Placed just below 4 GiB like QEMU; a failure only matters for real mode.
        if checkExtension(KVM_CAP_SET_TSS_ADDR) > 0 {
            _ = vw_ioctl_int(vmFD, VW_KVM_SET_TSS_ADDR, 0xFFFB_D000)
        }
        if checkExtension(KVM_CAP_HALT_POLL) > 0 {
            var cap = kvm_enable_cap()
            cap.cap = UInt32(KVM_CAP_HALT_POLL)
            cap.args.0 = 0
            haltPollingDisabled = vw_ioctl_ptr(vmFD, VW_KVM_ENABLE_CAP, &cap) == 0
        }
    }

    deinit {
        for entry in ioEventFDs { _ = deassignIOEventFD(entry) }
        vw_close(vmFD)
        vw_close(systemFD)
    }

    /// KVM_CHECK_EXTENSION on the VM (VM-level answers are the precise ones).
    public func checkExtension(_ capability: Int32) -> Int {
        Int(vw_ioctl_int(vmFD, VW_KVM_CHECK_EXTENSION, UInt(capability)))
    }

    /// Creates the next vCPU (ids 0, 1, ...).
    public func createVCPU() throws(VMMError) -> VirtualCPU {
        let id = nextVCPU
        let cpu = try VirtualCPU(vm: self, id: id)
        nextVCPU += 1
        return cpu
    }

    /// Makes guest writes of `length` bytes to MMIO `address` signal `eventfd` inside the
    /// kernel (KVM_IOEVENTFD): no exit to user space; the device model reads the eventfd.
    public func addIOEventFD(address: UInt64, length: UInt32, eventfd: Int32) throws(VMMError) {
        guard [1, 2, 4, 8].contains(length) else {
            throw .config("ioeventfd length", "\(length): use 1, 2, 4 or 8 bytes")
        }
        guard !ram.contains(address, length: UInt64(length)) else {
            throw .config("ioeventfd address", "0x\(String(address, radix: 16)) is guest RAM, not MMIO")
        }
        var request = kvm_ioeventfd()
        request.addr = address
        request.len = length
        request.fd = eventfd
        request.flags = 0
        try SystemCall.check("KVM_IOEVENTFD at 0x\(String(address, radix: 16))", vw_ioctl_ptr(vmFD, VW_KVM_IOEVENTFD, &request),
                             as: VMMError.init)
        ioEventFDs.append((address, length, eventfd))
    }

    /// Undoes `addIOEventFD`.
    public func removeIOEventFD(address: UInt64, eventfd: Int32) throws(VMMError) {
        guard let index = ioEventFDs.firstIndex(where: { $0.address == address && $0.fd == eventfd }) else {
            throw .config("ioeventfd", "none registered at 0x\(String(address, radix: 16))")
        }
        try SystemCall.check("KVM_IOEVENTFD deassign", deassignIOEventFD(ioEventFDs.remove(at: index)), as: VMMError.init)
    }

    private func deassignIOEventFD(_ entry: (address: UInt64, length: UInt32, fd: Int32)) -> Int32 {
        var request = kvm_ioeventfd()
        request.addr = entry.address
        request.len = entry.length
        request.fd = entry.fd
        request.flags = VW_KVM_IOEVENTFD_FLAG_DEASSIGN
        return vw_ioctl_ptr(vmFD, VW_KVM_IOEVENTFD, &request)
    }
}
