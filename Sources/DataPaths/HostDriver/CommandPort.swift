// One VM's open file on the augmented host driver's character device (the driver's per-VM
// state): the device model's command enters the kernel by a system call on it, and the driver's
// command handling runs right after, on the calling thread, as an ioctl handler runs in its
// caller's context. The call is a real write(2) of the command to the port's file, which stands
// for the driver's device node (/dev/null: a real crossing with the command's address and length,
// no driver behind it); the handling after it is the kernel side's stand-in, stamped and charged
// to the host driver (its own account on the caller's thread, `callerContext`). It validates the
// VM and its MAC, and queues on this VM's own device TX queue with its doorbell: each VM's
// thread is the only producer of its queue, so several device models submit at once without a lock.
import CVWiFiShim
import Measurement
import Platform

final class CommandPort: HostDriverEntry, @unchecked Sendable {
    // SAFETY: after start, used only by its VM's device-model thread; the counters are read after join.
    let vm: AttachedVM
    let account: ThreadAccount
    private let device: HostDeviceQueues
    private let queueIndex: Int
    private let fd: Int32
    private(set) var commandsQueued = 0
    private(set) var rejected = 0
    /// Commands that found this VM's device queue full (back-pressure onto the device model).
    private(set) var deviceQueueFullWaits = 0
    /// Commands refused, by `DropReason` raw value (preallocated: counted on the hot path).
    private(set) var rejections = [Int](repeating: 0, count: DropReason.allCases.count)

    static let deviceNode = "/dev/null"

    init(vm: AttachedVM, queueIndex: Int, device: HostDeviceQueues, account: ThreadAccount) throws {
        precondition(queueIndex < device.txQueues.count, "a VM's command port needs its own device TX queue")
        self.vm = vm
        self.queueIndex = queueIndex
        self.device = device
        self.account = account
        fd = try SystemCall.check("open \(Self.deviceNode)", vw_open_rdwr(Self.deviceNode), as: PipelineError.system)
    }

    deinit { _ = vw_close(fd) }

    var kernelAccount: ThreadAccount? { account }

    func submit(_ command: Descriptor) -> CommandOutcome {
        var c = command
        let start = TSC.now()
        let n = withUnsafeBytes(of: &c) { vw_write(fd, $0.baseAddress, $0.count) }
        let entered = account.charge(.systemCalls, since: start)
        guard n == MemoryLayout<Descriptor>.size else { return .failed(n) }
        account.advance()
        // The driver holds the command: the system call delivered it (the handling below runs in it).
        account.stamp(.hostDriverReceipt, c.seq, tsc: entered)
        let reason = Self.validate(c, from: vm)
        guard reason == .none else {
            rejected += 1
            rejections[Int(reason.rawValue)] += 1
            account.charge(.ioExitHandlingAndForwarding, since: entered)
            return .refused(reason)
        }
        account.charge(.ioExitHandlingAndForwarding, since: entered)
        guard device.queue(c, on: queueIndex, account: account) else {
            deviceQueueFullWaits += 1
            return .deviceQueueFull
        }
        commandsQueued += 1
        return .queued
    }

    /// A command must come from the VM it names, and (when the driver can see the frame) carry
    /// that VM's MAC as its source. With IOMMU translation the μCode checks the MAC instead.
    /// `.none` when it may be queued, else why not.
    static func validate(_ c: Descriptor, from vm: AttachedVM) -> DropReason {
        guard c.vmID == vm.vmID else { return .commandVMIDNotSenders }
        guard c.kind == DescriptorKind.tx.rawValue || c.kind == DescriptorKind.ping.rawValue else {
            return .rejectedByHostDriver
        }
        if c.flags & DescriptorFlag.hostAddress != 0 {
            // SAFETY: only a device model (in this process) sets hostAddress, with the host address of a guest
            // buffer it translated for c.length bytes; length >= 24 covers the header read for the source MAC.
            guard let frame = UnsafeRawPointer(bitPattern: UInt(c.addr)), c.length >= 24 else {
                return .descriptorBadLength
            }
            return FrameFormat.sourceMAC(frame: frame) == vm.mac ? .none : .txSourceMACNotVMs
        }
        guard c.flags & DescriptorFlag.tagged != 0 else { return .rejectedByHostDriver }
        return IOMMU.vmID(ofTagged: c.addr) == vm.vmID ? .none : .commandVMIDNotSenders
    }
}
