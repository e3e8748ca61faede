// The virtualization-augmented host WiFi driver (host kernel, in the paper). Its command
// handling runs in each device model's system call, on the caller's thread (CommandPort: one per
// VM, validating the VM and its MAC and queueing on that VM's device TX queue); this thread is its
// interrupt context: completions and received frames, routed back to the right VM's device model
// by VM-ID (a message on that model's socket, which wakes it from its poll).
import CVWiFiShim
import Measurement
import Platform
final class AugmentedHostDriver: PipelineComponent, @unchecked Sendable {
    // SAFETY: touched only by the host-driver thread after start (each port by its VM's device-model
    // thread); the ports' counters are read after join.
    package let context: ComponentContext
    private let device: HostDeviceQueues
    /// Every attached VM's command port (VM-ID, MAC, socket), in VM order.
    let ports: [CommandPort]
    private let vms: [AttachedVM]
    private(set) var interruptsHandled = 0
    static let maxVMs = 31

    init(context: ComponentContext, device: HostDeviceQueues, ports: [CommandPort]) {
        precondition(!ports.isEmpty && ports.count <= Self.maxVMs, "the augmented host driver serves 1...\(Self.maxVMs) VMs")
        self.context = context
        self.device = device
        self.ports = ports
        vms = ports.map(\.vm)
    }

    var commandsQueued: Int { ports.reduce(0) { $0 + $1.commandsQueued } }
    var rejected: Int { ports.reduce(0) { $0 + $1.rejected } }
    var deviceQueueFullWaits: Int { ports.reduce(0) { $0 + $1.deviceQueueFullWaits } }
    /// Commands refused over every port, by `DropReason` raw value.
    var rejections: [Int] {
        var all = [Int](repeating: 0, count: DropReason.allCases.count)
        for p in ports { for (i, n) in p.rejections.enumerated() { all[i] += n } }
        return all
    }

    /// Completions and RX frames the device posted and the driver has not handled.
    var completionsWaiting: Int { device.completions.count }

    func run() {
        runLoop {
            let r = vw_poll_readable(device.irq.channel.fd, 100)
            if r < 0 { return }
            if r > 0 { handleInterrupt() }
        }
    }

    private func handleInterrupt() {
        let start = TSC.now()
        _ = device.irq.channel.drain()   // poll said readable: read, no second poll
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
