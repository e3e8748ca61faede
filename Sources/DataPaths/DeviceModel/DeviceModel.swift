// The virtual WiFi device model (QEMU's part in the paper): it exposes the same device as the
// physical card. On a doorbell it reads the guest's TX descriptors from guest RAM, tags them
// with the VM-ID, translates the buffer address (software: GPA -> HPA through the memslots and
// the VM's page table; IOMMU: only tags the GPA), and hands each command to the augmented host
// driver by a real system call, whose handling runs on this thread (HostDriverEntry).
// Completions and RX frames come from the driver's interrupt context as messages on the model's
// socket, which wake its poll; it writes them into the guest's rings and injects virtual
// interrupts, coalesced or not.
// The same model serves the thread-trap guest and the KVM guest: they differ only in how the
// doorbell arrives (a store on the MMIO bus, dispatched by the exit handler or the vCPU thread,
// or an ioeventfd signal), where completions go (GuestCompletionSink) and how interrupts are
// injected (VirtualInterruptSink).
import CVWiFiShim
import Measurement
import Platform
import Synchronization
import VMM

package final class DeviceModel: BusDevice, PipelineComponent, @unchecked Sendable {
    // SAFETY: the register file (`write`, `read`) runs on the exit handler or vCPU thread and
    // only stores `doorbellTail` (an atomic), bumps atomic counters and signals `kick` (an
    // eventfd); everything else is touched by the device-model thread alone.
    static package let mmioBase: UInt64 = 0xF000_0000
    static package let mmioLength: UInt64 = 0x2000
    static package let txDoorbellOffset: UInt64 = 0x30

    package let context: ComponentContext
    package let kick: EventChannel
    let vmID: UInt8
    let rings: GuestRings
    let completions: GuestCompletionSink
    let translator: SoftwareTranslator?
    /// The TX ring's producer index the guest last wrote to the doorbell register.
    let doorbellTail = Atomic<UInt32>(0)
    /// True when the doorbell value reaches the model (a trapped write): it then takes only the
    /// descriptors the guest announced, as a device reading its tail register does. False with
    /// ioeventfd (the kernel passes no value): it takes whatever the ring holds.
    let doorbellCarriesTail: Bool
    /// True for the KVM guest: the descriptor's `aux` holds the guest's TSC at publication,
    /// which the model records as the packet's `doorbell` stamp (the guest program cannot
    /// write the harness's stamp logs).
    let stampsGuestPublication: Bool
    var consumed: UInt32 = 0
    /// The model's end of its socket from the host driver's interrupt context (completions, RX).
    let socket: Int32
    /// The augmented host driver's command entry for this VM (a system call, handled in it).
    let hostDriver: HostDriverEntry
    /// A translated command the VM's full device queue refused, kept for the next completion.
    var holding = false
    var heldGuest = Descriptor()
    var heldCommand = Descriptor()
    let line: VirtualInterruptSink
    var policy: CoalescingPolicy
    let message: UnsafeMutableRawPointer
    static let messageBytes = 8192
    var lastCompletionSeq: UInt32 = 0

    package internal(set) var commands = 0
    package internal(set) var injections = 0
    package internal(set) var rejected = 0
    package internal(set) var rxDropped = 0
    package internal(set) var doorbells = 0
    /// Descriptors refused, by `DropReason` raw value (preallocated: counted on the hot path).
    package internal(set) var rejections = [Int](repeating: 0, count: DropReason.allCases.count)
    /// Doorbells after which the ring held nothing new (a flood, or kicks merged by the eventfd).
    package internal(set) var spuriousDoorbells = 0
    /// Commands handed to the host driver whose status has not come back: each has a slot
    /// reserved in the guest's completion ring.
    var inFlight = 0
    /// A lower bound on the completion ring's free slots (its last reading, minus the posts
    /// since): the shared header is re-read only when the bound says there may be no room.
    var knownFree = 0
    /// Drains that left TX descriptors in the guest's ring because its completion ring had no
    /// room for their completions: the guest stopped consuming completions (an honest guest
    /// never gets here: it owns fewer buffers than its completion ring has slots). The model
    /// takes them after the guest reaps and rings again; other VMs are not affected.
    package internal(set) var completionRingFullDeferrals = 0
    /// Doorbell values naming a tail more than a ring away from what the model consumed
    /// (atomic: a hostile-guest test waits on it before the guest's next doorbell overwrites
    /// the register).
    package let doorbellTailsRefused = Atomic<Int>(0)
    /// Guest writes to offsets (or with widths) the device does not define; written by the
    /// exit handler or vCPU thread, hence atomic.
    let undefinedWrites = Atomic<Int>(0)
    let undefinedReads = Atomic<Int>(0)
    package var undefinedRegisterWrites: Int { undefinedWrites.load(ordering: .relaxed) }
    package var undefinedRegisterReads: Int { undefinedReads.load(ordering: .relaxed) }
    /// Producer indices of the guest's TX ring the model refused (hostile guest).
    package var ringIndicesOutOfRange: Int {
        rings.tx.rejectedProducerIndices + rings.rxFree.rejectedProducerIndices
            + doorbellTailsRefused.load(ordering: .relaxed)
    }

    /// TX descriptors the guest announced (doorbell) or, with ioeventfd, published and the model
    /// has not taken yet. Read by the watchdog from its own thread: the doorbell value is atomic
    /// and the ring's consumer index lives in the shared header (released after every pop).
    package var descriptorsWaiting: Int {
        guard doorbellCarriesTail else { return rings.tx.count }
        let consumedIndex = rings.tx.sharedConsumerIndex
        let announced = doorbellTail.load(ordering: .acquiring) &- consumedIndex
        return announced <= UInt32(rings.tx.capacity) ? Int(announced) : 0
    }

    /// The host driver has completions or frames waiting on the model's socket.
    package var hostMessagesWaiting: Bool { StallWatch.readable(socket) }

    package init(context: ComponentContext, vmID: UInt8,
         rings: GuestRings, completions: GuestCompletionSink, translator: SoftwareTranslator?, socket: Int32,
         hostDriver: HostDriverEntry, line: VirtualInterruptSink, doorbellCarriesTail: Bool = true, stampsGuestPublication: Bool = false) throws {
        let config = context.config
        self.context = context
        self.completions = completions
        self.doorbellCarriesTail = doorbellCarriesTail
        self.stampsGuestPublication = stampsGuestPublication
        self.vmID = vmID
        self.rings = rings
        self.translator = translator
        self.socket = socket
        self.hostDriver = hostDriver
        self.line = line
        kick = try EventChannel()
        policy = CoalescingPolicy(threshold: config.coalesceDeviceModel,
                                  timeoutNs: Int64(config.coalesceDeviceModelTimeoutUs * 1000))
        // SAFETY: the receive buffer (messageBytes) is owned by this model and freed once in deinit; recv
        // is given exactly messageBytes.
        message = .allocate(byteCount: Self.messageBytes, alignment: 64)
    }

    deinit { message.deallocate() }

    package func run() {
        var kicked: Int32 = 0, fromHost: Int32 = 0
        // The host driver's command handling runs on this thread and keeps its own account.
        let kernel = hostDriver.kernelAccount
        kernel?.attach()
        defer { kernel?.finish() }
        runLoop {
            kernel?.follow(control)
            var timeoutMs: Int32 = 100
            if policy.pending > 0, let deadline = policy.deadlineNs {
                let left = deadline - vw_monotonic_ns()
                if left <= 0 { flushCoalesced(); return }
                timeoutMs = Int32(max(1, (left + 999_999) / 1_000_000))
            }
            let r = vw_poll2(kick.fd, socket, timeoutMs, &kicked, &fromHost)
            if r < 0 { return }
            if kicked != 0 {
                _ = kick.drain()   // poll said readable: read, no second poll
                doorbells += 1
                drainGuestTX()
            }
            if fromHost != 0 {
                drainHost()
                if holding { drainGuestTX() }
            }
        }
    }
}
