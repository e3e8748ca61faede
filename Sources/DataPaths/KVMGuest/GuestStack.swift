// A real program's traffic in a VM. The program runs in the station's namespace, which stands for
// the guest's own network stack and its sockets; the VM's guest driver (the guest program, in
// carry mode) moves the packets between that stack and the device, as a driver in the guest's
// kernel would. What the stack sends reaches the driver here: this thread sleeps in poll(2) on the
// station's TUN, puts each IPv4 packet in the guest's next free TX buffer (behind the link headers
// the host wrote there once) with its length in the guest's length table, publishes the count in
// the mailbox and raises the VM's interrupt line with the stack's cause, through the same
// injection machinery a device uses. In a real VM the program's send() enters the guest kernel on
// its own vCPU: this thread's wake-up and the interrupt are the two hand-offs the real system does
// not have (the README's hop table lists them; unmeasured: the program's send carries no stamp).
// Its CPU is the guest's. The other way (GuestStack+Outbox) runs on the vCPU thread.
import CVWiFiShim
import Measurement
import Platform
import Synchronization
import VMM

final class GuestStack: PipelineComponent, @unchecked Sendable {
    // SAFETY: the send side (staging, produced, the counters, echoRequests) is touched only by the
    // stack's thread; the receive side (outbox, delivery, echoReplies, deliveryAccount) only by
    // the vCPU thread, in its exit hooks; the executor reads both after joining them. Guest RAM is
    // reached only at host-computed addresses inside the areas the host allocated.
    static let threadName = "vw-gstack"
    /// Outbox slots: as many as the RX buffers the device can fill before the guest drains.
    static let outboxSlots = 256

    package let context: ComponentContext
    let tun: Int32
    let ram: GuestRAM
    let mailbox: UInt64
    let line: KVMInterruptLine
    /// Host addresses of each TX buffer's IP packet (behind its link headers), and of the guest's
    /// length table; the guest program addresses the same bytes by GPA.
    private let packetAreas: [UnsafeMutableRawPointer]
    private let lengthTable: UInt64
    private let staging: UnsafeMutableRawPointer
    /// Signalled by the vCPU thread when the guest reclaimed TX buffers (the stack waits for one).
    let room = Notifier()
    /// Packets put in TX buffers (packet k in buffer k mod count).
    private var produced = 0
    private(set) var wakeups = 0
    private(set) var roomWaits = 0
    private(set) var foreign = 0
    var echoRequests: EchoTimes?

    // The receive side (vCPU thread).
    var outbox: GuestOutbox
    /// The TUN writes the vCPU thread does for the stack: kernel work of the guest's stack in the
    /// vCPU thread's system calls, taken out of the hypervisor's share of that thread.
    let deliveryAccount: ThreadAccount
    var delivery = PayloadSpan()
    var echoReplies: EchoTimes?
    var malformed = 0
    var lastReclaimed = 0

    init(context: ComponentContext, guest: KVMGuest, tun: Int32) throws {
        self.context = context
        self.tun = tun
        ram = guest.ram
        mailbox = guest.layout.mailbox
        line = guest.line
        let p = guest.runner.parameters
        guard p.mode == .carry, p.outboxSlots == Self.outboxSlots else {
            throw PipelineError.setup("the guest stack needs the guest program in carry mode with \(Self.outboxSlots) outbox slots")
        }
        let mtu = UInt64(KernelNetwork.programMTU)
        packetAreas = try (0..<p.txBufferCount).map { i in
            let gpa = p.txBufferBase + UInt64(i) * p.txBufferStride + UInt64(p.payloadOffset)
            guard let host = guest.ram.pointer(gpa, length: mtu) else {
                throw PipelineError.setup("TX buffer \(i) at GPA \(gpa) has no room for a \(mtu)-byte packet in guest RAM")
            }
            return host
        }
        lengthTable = p.carryLengths
        guard let box = GuestOutbox(ram: guest.ram, mailbox: guest.layout.mailbox, gpa: p.outbox, slots: p.outboxSlots) else {
            throw PipelineError.setup("the outbox at GPA \(p.outbox) is not guest RAM")
        }
        outbox = box
        // SAFETY: owned by this stack, freed once in deinit; every read into it is given programMTU.
        staging = .allocate(byteCount: KernelNetwork.programMTU, alignment: 64)
        let account = context.account
        deliveryAccount = ThreadAccount(component: .guest, name: guest.threadName + ":stack",
                                        stampCapacity: account.stamps.capacity, stampsEnabled: context.config.stamps, events: [])
        deliveryAccount.cpuShare = .callerContext
    }

    deinit {
        // SAFETY: frees the staging block from init, once; only the stack's thread (joined by now) used it.
        staging.deallocate()
    }

    var packetsQueued: Int { produced }

    func run() {
        runLoop {
            guard vw_poll_readable(tun, 100) > 0 else { return }
            wakeups += 1
            takeQueued()
        }
    }

    /// Moves what the station's kernel queued into free TX buffers, telling the guest after each
    /// packet (a waiting guest is woken; a running one finds it in its loop).
    private func takeQueued() {
        while !control.isStopping {
            guard waitForBuffer() else { return }
            let start = TSC.now()
            let n = vw_read(tun, staging, KernelNetwork.programMTU)
            if SocketCalls.wouldBlock(n) { return }
            guard n > 0 else {
                control.fail("the guest stack's read from the station's TUN failed: \(SystemCall.errno(of: n)?.named ?? "end of file")")
                return
            }
            let read = account.charge(.networkStack, since: start)
            guard case .ok = FrameFormat.inspect(ipv4: staging, length: n) else {
                foreign += 1
                continue
            }
            echoRequests?.note(staging, length: n, at: read)
            let buffer = produced % packetAreas.count
            vw_guest_store_bytes(packetAreas[buffer], staging, n)
            ram.storeU32(lengthTable + UInt64(buffer) * 4, UInt32(n))
            produced += 1
            ram.storeU64(mailbox + GuestMailbox.carryProduced, UInt64(produced))
            let copied = account.charge(.packetCopies, since: read)
            line.raise(cause: GuestMailbox.causeStack, preempting: false)
            account.charge(.virtualIRQDelivery, since: copied)
            account.advance()
        }
    }

    /// Waits until buffer `produced mod count` is free: the guest reclaimed the packet that used it.
    /// False when the run stops.
    private func waitForBuffer() -> Bool {
        while !control.isStopping {
            let token = room.prepare()
            // Guest-written: never past what the stack produced (a guest that claims more only
            // lets the stack overwrite its own frames in flight).
            let reclaimed = Int(min(ram.loadU64(mailbox + GuestMailbox.reclaimed), UInt64(produced)))
            if produced - reclaimed < packetAreas.count { return true }
            roomWaits += 1
            if room.wait(after: token, timeoutNs: 100_000_000) == .closed { return false }
        }
        return false
    }
}
