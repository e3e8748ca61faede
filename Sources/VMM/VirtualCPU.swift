import CVWiFiShim
import Measurement
#if canImport(Glibc)
import Glibc
#endif

/// One vCPU: its file descriptor and shared `kvm_run` page. Use it from one thread (the vCPU
/// thread); `KVMInterruptLine` is the only part meant for other threads.
public final class VirtualCPU {
    public let id: UInt64
    let fd: Int32
    let runPage: UnsafeMutablePointer<kvm_run>
    let mapSize: Int
    /// Keeps the VM (and its fds) alive as long as the vCPU.
    let vm: KVMVirtualMachine
    private var exitRecord = vw_kvm_exit()
    /// KVM mirrors the general registers in kvm_run (KVM_CAP_SYNC_REGS): reading and changing
    /// them costs no ioctl. Set by `enableSyncRegisters()`.
    public private(set) var syncRegisters = false
    /// kvm_run's register mirror is filled only once KVM_RUN has returned.
    private var mirrorValid = false

    init(vm: KVMVirtualMachine, id: UInt64) throws(VMMError) {
        let fd = try SystemCall.check("KVM_CREATE_VCPU \(id)", vw_ioctl_int(vm.vmFD, VW_KVM_CREATE_VCPU, UInt(id)),
                                      as: VMMError.init)
        var err: Int32 = 0
        guard let mapping = vw_mmap_shared(fd, vm.vcpuMapSize, &err) else {
            vw_close(fd)
            throw VMMError(SystemCall.failure("mmap kvm_run", errno: err))
        }
        self.vm = vm
        self.id = id
        self.fd = fd
        self.mapSize = vm.vcpuMapSize
        // SAFETY: the mapping is vcpuMapSize (>= sizeof(kvm_run)) bytes, page-aligned, owned by this vCPU
        // and unmapped once in deinit.
        self.runPage = mapping.assumingMemoryBound(to: kvm_run.self)
    }

    deinit {
        // SAFETY: the run page mapped in init, unmapped once; interrupt lines retain this vCPU (`owner`).
        _ = vw_munmap(runPage, mapSize)
        vw_close(fd)
    }

    /// Puts the vCPU in 64-bit long mode at CPL3 at `rip`, with `rsp` and general registers.
    /// With `interrupts` (irqchip mode), IDTR is loaded and RFLAGS.IF set.
    public func enterLongModeUser(layout: GuestLayout, rip: UInt64, rsp: UInt64, r15: UInt64 = 0, rdi: UInt64 = 0,
                                  interrupts: Bool = false) throws(VMMError) {
        var sregs = kvm_sregs()
        try SystemCall.check("KVM_GET_SREGS", vw_ioctl_ptr(fd, VW_KVM_GET_SREGS, &sregs), as: VMMError.init)
        LongModeSetup.configure(&sregs, layout: layout, idt: interrupts)
        try SystemCall.check("KVM_SET_SREGS (long mode, CPL3)", vw_ioctl_ptr(fd, VW_KVM_SET_SREGS, &sregs), as: VMMError.init)
        var regs = kvm_regs()
        regs.rip = rip
        regs.rsp = rsp
        regs.rflags = LongModeSetup.userFlags | (interrupts ? LongModeSetup.interruptFlag : 0)
        regs.r15 = r15
        regs.rdi = rdi
        try setRegisters(regs)
    }

    /// Asks KVM to mirror the general registers in kvm_run on every exit, if the host can.
    @discardableResult
    public func enableSyncRegisters() -> Bool {
        let sets = UInt64(max(0, vm.checkExtension(KVM_CAP_SYNC_REGS)))
        guard sets & VW_KVM_SYNC_X86_REGS != 0 else { return false }
        vw_kvm_run_set_valid_regs(runPage, VW_KVM_SYNC_X86_REGS)
        syncRegisters = true
        return true
    }

    /// Enters the guest until the next exit.
    public func run() -> VMExit {
        let result = vw_ioctl_int(fd, VW_KVM_RUN, 0)
        mirrorValid = syncRegisters
        if let errno = SystemCall.errno(of: result) {
            return errno == .interrupted ? .interrupted : .failed(errno: errno)
        }
        vw_kvm_exit_decode(runPage, &exitRecord)
        switch Int32(exitRecord.reason) {
        case KVM_EXIT_MMIO:
            return .mmio(address: exitRecord.mmio_address, length: Int(exitRecord.mmio_length), isWrite: exitRecord.mmio_is_write != 0)
        case KVM_EXIT_IO:
            return .io(port: exitRecord.io_port, isOut: exitRecord.io_direction == UInt8(KVM_EXIT_IO_OUT),
                       size: Int(exitRecord.io_size), count: Int(exitRecord.io_count))
        case KVM_EXIT_HLT: return .hlt
        case KVM_EXIT_INTR: return .interrupted
        case KVM_EXIT_SHUTDOWN: return .shutdown
        case KVM_EXIT_FAIL_ENTRY: return .failEntry(reason: exitRecord.fail_reason)
        case KVM_EXIT_INTERNAL_ERROR: return .internalError(suberror: exitRecord.fail_reason)
        default: return .other(reason: exitRecord.reason)
        }
    }

    /// The 8 data bytes of the last MMIO exit (write: what the guest stored; read: fill them).
    public var mmioData: UnsafeMutableRawBufferPointer {
        // SAFETY: bounds: kvm_run's mmio.data holds 8 bytes inside the live run page.
        UnsafeMutableRawBufferPointer(start: vw_kvm_run_mmio_data(runPage), count: 8)
    }

    /// The data of the last port I/O exit (size * count bytes inside the kvm_run page).
    public var ioData: UnsafeMutableRawBufferPointer {
        let offset = Int(exitRecord.io_data_offset)
        let length = Int(exitRecord.io_size) * Int(exitRecord.io_count)
        guard offset >= 0, offset + length <= mapSize else { return UnsafeMutableRawBufferPointer(start: nil, count: 0) }
        // SAFETY: bounds: offset + length <= mapSize (checked above), so the buffer is inside the run page.
        return UnsafeMutableRawBufferPointer(start: UnsafeMutableRawPointer(runPage) + offset, count: length)
    }

    /// Sets or clears kvm_run.immediate_exit (KVM_RUN then returns EINTR without entering).
    public func setImmediateExit(_ on: Bool) { vw_kvm_set_immediate_exit(runPage, on ? 1 : 0) }

    /// Finishes a pending MMIO/PIO emulation without running guest code (KVM_RUN with
    /// immediate_exit): afterwards RIP is past the exiting instruction and registers may be changed.
    public func completePendingIO() throws(VMMError) {
        setImmediateExit(true)
        let result = vw_ioctl_int(fd, VW_KVM_RUN, 0)
        mirrorValid = syncRegisters
        setImmediateExit(false)
        // EINTR is the expected answer to immediate_exit.
        guard SystemCall.errno(of: result) != .interrupted else { return }
        try SystemCall.check("KVM_RUN (complete pending I/O)", result, as: VMMError.init)
    }

    public func registers() throws(VMMError) -> kvm_regs {
        // SAFETY: the sync-regs mirror lies inside the live run page; only this vCPU's thread touches it.
        if mirrorValid, let mirror = vw_kvm_run_sync_regs(runPage) { return mirror.pointee }
        var regs = kvm_regs()
        try SystemCall.check("KVM_GET_REGS", vw_ioctl_ptr(fd, VW_KVM_GET_REGS, &regs), as: VMMError.init)
        return regs
    }

    /// With the kvm_run mirror, the change is applied at the next KVM_RUN (no ioctl).
    public func setRegisters(_ regs: kvm_regs) throws(VMMError) {
        if mirrorValid, let mirror = vw_kvm_run_sync_regs(runPage) {
            // SAFETY: as in `registers()`: the mirror is in the live run page, touched by this thread only.
            mirror.pointee = regs
            vw_kvm_run_mark_dirty_regs(runPage, VW_KVM_SYNC_X86_REGS)
            return
        }
        var copy = regs
        try SystemCall.check("KVM_SET_REGS", vw_ioctl_ptr(fd, VW_KVM_SET_REGS, &copy), as: VMMError.init)
    }

    /// Points the guest at `rip` (e.g. after `completePendingIO`).
    public func setRIP(_ rip: UInt64) throws(VMMError) {
        var regs = try registers()
        regs.rip = rip
        try setRegisters(regs)
    }

    /// Enters the guest's ISR the way the CPU would without an IDT: pushes the interrupted RIP
    /// on the guest stack (guest-virtual == guest-physical) and jumps to `isr`. Returns false,
    /// changing nothing, when RIP already lies in `inside` (the ISR is running: no nesting).
    /// Call only when no I/O emulation is pending (after an EINTR exit or `completePendingIO`).
    public func enterISR(_ isr: UInt64, unlessRIPIn inside: Range<UInt64>, ram: GuestRAM) throws(VMMError) -> Bool {
        var regs = try registers()
        if inside.contains(regs.rip) { return false }
        let newRSP = regs.rsp &- 8
        guard let slot = ram.pointer(newRSP, length: 8) else {
            throw VMMError("guest stack pointer 0x\(String(regs.rsp, radix: 16)) is outside guest RAM; cannot push the interrupted RIP")
        }
        // SAFETY: bounds: `ram.pointer` checked the 8 bytes at newRSP lie in guest RAM; the vCPU is stopped.
        slot.storeBytes(of: regs.rip, as: UInt64.self)
        regs.rsp = newRSP
        regs.rip = isr
        try setRegisters(regs)
        return true
    }
}
