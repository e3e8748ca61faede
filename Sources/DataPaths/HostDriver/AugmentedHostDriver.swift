// The virtualization-augmented host WiFi driver (host kernel, in the paper): takes commands
// that device models hand it through a system call, validates the VM's ownership (and the
// source MAC when it can see the frame), queues them for the μCode, and routes completions and
// received frames back to the right VM's device model by VM-ID.
import CVWiFiShim
import Measurement
import Platform
final class AugmentedHostDriver: PipelineComponent, @unchecked Sendable {
    // SAFETY: touched only by the host-driver thread after start.
    package let context: ComponentContext
    private let device: HostDeviceQueues
    private let vms: [AttachedVM]
    private(set) var commandsQueued = 0
    private(set) var rejected = 0
    private(set) var interruptsHandled = 0
    /// Loop iterations that found the device's TX queue full and left the VMs' sockets unread
    /// (back-pressure onto the device models), counted not timed.
    private(set) var deviceQueueFullWaits = 0
    /// Commands refused, by `DropReason` raw value (preallocated: counted on the hot path).
    private(set) var rejections = [Int](repeating: 0, count: DropReason.allCases.count)
    /// Poll set, preallocated so the loop allocates nothing: [0] the interrupt's eventfd, then
    /// one socket per attached VM (-1 while the device's TX queue is full).
    private let pollFDs: UnsafeMutablePointer<Int32>
    private let pollReady: UnsafeMutablePointer<Int32>
    static let maxVMs = 31
    /// The VM whose socket the round robin serves next.
    private var nextVM = 0

    init(context: ComponentContext, device: HostDeviceQueues, vms: [AttachedVM]) {
        precondition(!vms.isEmpty && vms.count <= Self.maxVMs, "the augmented host driver serves 1...\(Self.maxVMs) VMs")
        self.context = context
        self.device = device
        self.vms = vms
        // SAFETY: the poll set (vms.count + 1 entries, indices 0...vms.count) is owned by this driver and
        // freed once in deinit.
        pollFDs = .allocate(capacity: vms.count + 1)
        pollFDs.initialize(repeating: -1, count: vms.count + 1)
        pollReady = .allocate(capacity: vms.count + 1)
        pollReady.initialize(repeating: 0, count: vms.count + 1)
    }

    deinit {
        // SAFETY: frees the blocks from init, once; the driver thread has been joined.
        pollFDs.deallocate()
        pollReady.deallocate()
    }

    /// A device model whose socket holds commands the driver could take (its device queue has
    /// room); nil when none. The watchdog asks, from its own thread.
    var commandsWaitingFrom: UInt8? {
        // `count` reads only the ring's shared header (`isFull` reads the producer's private index).
        guard device.tx.count < device.tx.capacity else { return nil }
        for vm in vms where StallWatch.readable(vm.socket) { return vm.vmID }
        return nil
    }

    /// Completions and RX frames the device posted and the driver has not handled.
    var completionsWaiting: Int { device.completions.count }

    func run() {
        device.postAllReceiveBuffers()
        // Every attached VM's socket is polled with the interrupt: one VM flooding or sending
        // garbage is refused on its own socket and does not starve the others.
        let n = vms.count
        pollFDs[0] = device.irq.channel.fd
        runLoop {
            let room = !device.tx.isFull
            if !room { deviceQueueFullWaits += 1 }
            var i = 0
            while i < n {
                pollFDs[i + 1] = room ? vms[i].socket : -1
                i += 1
            }
            let r = vw_poll_many(pollFDs, Int32(n + 1), 100, pollReady)
            if r < 0 { return }
            if pollReady[0] != 0 { handleInterrupt() }
            // Round robin, one command per ready VM per turn, resuming after the VM served last,
            // while the device has room: VMs sharing the radio share its queue (serving the first
            // VM's socket first gave it the air whenever one slot freed at a time).
            var idle = 0
            while idle < n && !device.tx.isFull {
                let k = nextVM
                nextVM = nextVM + 1 == n ? 0 : nextVM + 1
                if pollReady[k + 1] != 0 && takeCommand(from: vms[k]) {
                    idle = 0
                } else {
                    pollReady[k + 1] = 0
                    idle += 1
                }
            }
        }
    }

    func drainCommands(from vm: AttachedVM) {
        while takeCommand(from: vm) {}
    }

    /// Takes one command from `vm`'s socket: queues it, or refuses it and answers `vm` only.
    /// False when the socket had none or the device's queue is full.
    func takeCommand(from vm: AttachedVM) -> Bool {
        guard !device.tx.isFull else { return false }
        var command = Descriptor()
        do {
            let start = TSC.now()
            let n = withUnsafeMutableBytes(of: &command) { vw_recv(vm.socket, $0.baseAddress, $0.count, 1) }
            let received = account.charge(.systemCalls, since: start)
            guard n == MemoryLayout<Descriptor>.size else { return false }
            account.advance()
            account.stamp(.hostDriverReceipt, command.seq, tsc: received)
            let reason = validate(command, from: vm)
            guard reason == .none else {
                rejected += 1
                rejections[Int(reason.rawValue)] += 1
                forward(command.txStatus(reason), to: vm)
                return true
            }
            let validated = account.charge(.ioExitHandlingAndForwarding, since: received)
            _ = validated
            _ = device.queue(command, account: account)
            commandsQueued += 1
            return true
        }
    }

    /// A command must come from the VM it names, and (when the driver can see the frame) carry
    /// that VM's MAC as its source. With IOMMU translation the μCode checks the MAC instead.
    /// `.none` when it may be queued, else why not.
    func validate(_ c: Descriptor, from vm: AttachedVM) -> DropReason {
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

    private func handleInterrupt() {
        let start = TSC.now()
        _ = device.irq.channel.wait(timeoutMs: 0)
        let cause = device.irq.cause
        account.stamp(.physicalIRQ, cause, tsc: start)
        interruptsHandled += 1
        var mark = account.charge(.interruptHandlingForwarding, since: start)
        var d = Descriptor()
        while device.completions.tryPop(into: &d) {
            account.advance()
            guard let vm = attached(d.vmID) else {
                // A completion for no attached VM: count, recycle, never deliver elsewhere.
                if d.kind == DescriptorKind.rxFrame.rawValue { device.repost(bufferID: d.bufferID) }
                tally.add(tally.dropped)
                continue
            }
            if d.kind == DescriptorKind.rxFrame.rawValue {
                account.stamp(.rxPhysicalIRQ, d.seq, tsc: mark)
                let frame = device.rxFrame(d)
                let length = Int(d.length)
                var header = d
                account.stamp(.rxForward, d.seq)
                _ = withUnsafeBytes(of: &header) {
                    SocketCalls.send(vm.socket, $0.baseAddress, $0.count, frame, length, account: account, control: control)
                }
                mark = TSC.now()
                device.repost(bufferID: d.bufferID)
            } else {
                // TX drops are counted once, by the guest driver that reclaims the buffer.
                forward(d, to: vm)
                mark = TSC.now()
            }
        }
    }

    /// Routing by VM-ID: a scan over a handful of VMs, written as an index loop because a
    /// generic iterator can allocate in unoptimised builds.
    @inline(__always) private func attached(_ vmID: UInt8) -> AttachedVM? {
        var i = 0
        while i < vms.count {
            if vms[i].vmID == vmID { return vms[i] }
            i += 1
        }
        return nil
    }

    private func forward(_ d: Descriptor, to vm: AttachedVM) {
        var status = d
        _ = withUnsafeBytes(of: &status) {
            SocketCalls.send(vm.socket, $0.baseAddress, $0.count, account: account, control: control)
        }
    }
}
