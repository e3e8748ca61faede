// A small throw-away VM with the guest image loaded: what the KVM probe and the exit-cost meter
// both need before they run one of the image's special entries.
import CVWiFiShim
import Measurement

final class ScratchGuest {
    static let size = 4 << 20
    /// Where the probe and meter entries write their MMIO doorbell, and their port base.
    static let doorbell: UInt64 = 0x3000_0000
    static let portBase: UInt16 = 0x510

    let memory: UnsafeMutableRawPointer
    let ram: GuestRAM
    let layout: GuestLayout
    let vm: KVMVirtualMachine

    /// Maps 4 MiB of guest RAM, creates the VM, builds the long-mode CPL3 environment, loads the
    /// guest image and writes the doorbell and port base into the mailbox.
    init(device: String) throws(VMMError) {
        var err: Int32 = 0
        // SAFETY: ownership: the scratch guest's RAM mapping is unmapped once, on the throw below or in
        // deinit; the VM and vCPU that use it are fields of this object.
        guard let memory = vw_mmap_anonymous(Self.size, 0, &err) else {
            throw VMMError(SystemCall.failure("mmap guest RAM", errno: err))
        }
        self.memory = memory
        ram = GuestRAM(base: memory, size: UInt64(Self.size))
        layout = GuestLayout(memorySize: UInt64(Self.size), identityMapSize: GuestLayout.gibibyte)
        do {
            vm = try KVMVirtualMachine(device: device, ram: ram)
            try LongModeSetup.install(layout, in: ram)
            try GuestDriverRunner.loadImage(layout: layout, ram: ram)
        } catch {
            _ = vw_munmap(memory, Self.size)
            throw error
        }
        ram.storeU64(layout.mailbox + GuestMailbox.doorbell, Self.doorbell)
        ram.storeU64(layout.mailbox + GuestMailbox.portBase, UInt64(Self.portBase))
    }

    /// A vCPU entering the image at `entryOffset` (one of GuestDriverImage's entry offsets).
    func vcpu(entryOffset: UInt64) throws(VMMError) -> VirtualCPU {
        let vcpu = try vm.createVCPU()
        try vcpu.enterLongModeUser(layout: layout, rip: layout.code + entryOffset, rsp: layout.stackTop,
                                   r15: layout.mailbox)
        return vcpu
    }

    // SAFETY: the mapping from init, unmapped once.
    deinit { _ = vw_munmap(memory, Self.size) }
}
