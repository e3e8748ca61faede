import CVWiFiShim
import Measurement
#if canImport(Glibc)
import Glibc
#endif

/// The interrupt line of one guest vCPU, for the device model's thread: `raise()` sets the
/// guest's cause register and makes the vCPU thread enter the ISR, whether that thread is
/// running guest code (kick: immediate_exit + a signal), waiting in the run loop (futex wake),
/// or between the two.
public final class KVMInterruptLine: @unchecked Sendable {
    // SAFETY: every field shared between threads is raw memory accessed only with
    // acquire/release/seq_cst atomics; the kvm_run page and guest RAM stay mapped because this
    // object retains their owner (`owner`).
    /// Where the vCPU thread is. Only `.running` (about to enter or inside KVM_RUN) needs a
    /// kick; `.inHost` (handling an exit) and `.idle` re-check the cause before entering.
    enum State: UInt32 { case idle = 0, running = 1, waiting = 2, inHost = 3 }

    /// .pendingFlag: raise() is the whole delivery. .irqchip: the device's eventfd (irqfd) is;
    /// raise() is then only the host's own wake-up (stop requests), never called by a device.
    public let mechanism: InterruptMechanism
    /// The signal sent to the vCPU thread.
    public let signal: Int32
    private let cause: UnsafeMutableRawPointer            // u32 in guest RAM (mailbox.irqPending)
    private let control: UnsafeMutableRawPointer          // host words, one cache line each
    private let run: UnsafeMutablePointer<kvm_run>
    private let owner: AnyObject

    // SAFETY: bounds: each word sits at its own 64-byte line of the 384-byte `control` block, which
    // is 64-aligned and lives as long as self; only the vw_* atomics touch these words.
    private var statePointer: UnsafeMutablePointer<UInt32> { control.assumingMemoryBound(to: UInt32.self) }
    /// Raise count; the waiting run loop sleeps on it (futex).
    var sequencePointer: UnsafeMutablePointer<UInt32> { (control + 64).assumingMemoryBound(to: UInt32.self) }
    private var threadPointer: UnsafeMutablePointer<UInt32> { (control + 128).assumingMemoryBound(to: UInt32.self) }
    private var kickStampPointer: UnsafeMutablePointer<UInt64> { (control + 192).assumingMemoryBound(to: UInt64.self) }
    // SAFETY: as above: offsets 192, 256 and 320 (+4 for [1]) are inside the 384 bytes and aligned.
    private var kicksPointer: UnsafeMutablePointer<UInt32> { (control + 256).assumingMemoryBound(to: UInt32.self) }
    /// Non-zero once `requestStop()` was called; [1] counts the sequence bumps it made.
    private var stopPointer: UnsafeMutablePointer<UInt32> { (control + 320).assumingMemoryBound(to: UInt32.self) }

    init(cause: UnsafeMutableRawPointer, run: UnsafeMutablePointer<kvm_run>, signal: Int32, owner: AnyObject,
         mechanism: InterruptMechanism = .pendingFlag) {
        self.mechanism = mechanism
        self.cause = cause
        self.run = run
        self.signal = signal
        self.owner = owner
        // SAFETY: owned by this line, freed once in deinit (after every thread that calls it is done).
        control = UnsafeMutableRawPointer.allocate(byteCount: 384, alignment: 64)
        control.initializeMemory(as: UInt8.self, repeating: 0, count: 384)
    }

    deinit { control.deallocate() }

    /// Raises the interrupt (callable from any thread) with `cause` (GuestMailbox.cause* bits,
    /// OR-ed into the cause register so a device completion and a timer tick never hide each other).
    /// With `preempting` false a running vCPU is left alone: it meets the cause at its next wait
    /// (the run loop reads the cause before it blocks), and only a waiting one is woken.
    public func raise(cause bits: UInt32 = GuestMailbox.causeDevice, preempting: Bool = true) {
        // SAFETY: `cause` is the live, 4-byte aligned cause word in guest RAM (owner keeps it mapped).
        let word = cause.assumingMemoryBound(to: UInt32.self)
        while true {
            let old = vwLoadAcquire32(cause)
            if old & bits == bits || vw_cas_u32(word, old, old | bits) != 0 { break }
        }
        _ = vw_fetch_add_u32(sequencePointer, 1)
        vw_fence_seq_cst()   // pairs with the run loop's fence between publishing its state and reading the cause
        switch State(rawValue: vw_load_acquire_u32(statePointer)) {
        case .waiting:
            _ = vw_futex_wake(sequencePointer, 1)
        case .running:
            if preempting { requestImmediateExit() }
        default:
            break   // idle or handling an exit: the run loop reads the cause before it enters the guest
        }
    }

    /// Forces the vCPU out of guest mode without raising the interrupt (requestImmediateExit):
    /// KVM_RUN returns EINTR on the vCPU thread if it is running the guest; nothing otherwise.
    public func requestImmediateExit() {
        vw_fence_seq_cst()
        guard State(rawValue: vw_load_acquire_u32(statePointer)) == .running else { return }
        vw_store_release_u64(kickStampPointer, vw_rdtsc())
        _ = vw_fetch_add_u32(kicksPointer, 1)
        vw_kvm_set_immediate_exit(run, 1)
        _ = vw_tgkill(Int32(bitPattern: vw_load_acquire_u32(threadPointer)), signal)
    }

    /// Asks the run loop to return as soon as it can (callable from any thread, any number of
    /// times): it wakes a waiting run loop and forces a running vCPU out of guest mode. The
    /// run then ends with `GuestRunReport.stopped`.
    public func requestStop() {
        vw_store_release_u32(stopPointer, 1)
        // Change the futex word so a run loop about to sleep on it cannot miss the wake-up.
        _ = vw_fetch_add_u32(stopPointer + 1, 1)
        _ = vw_fetch_add_u32(sequencePointer, 1)
        vw_fence_seq_cst()
        switch State(rawValue: vw_load_acquire_u32(statePointer)) {
        case .waiting: _ = vw_futex_wake(sequencePointer, 1)
        case .running: requestImmediateExit()
        default: break
        }
    }

    /// Whether `requestStop()` was called.
    public var stopRequested: Bool { vw_load_acquire_u32(stopPointer) != 0 }

    /// Times `raise()` was called.
    public var raisedCount: UInt32 { vw_load_acquire_u32(sequencePointer) &- vw_load_acquire_u32(stopPointer + 1) }
    /// Times `raise()` had to kick a running vCPU (immediate_exit + signal).
    public var kickCount: UInt32 { vw_load_acquire_u32(kicksPointer) }

    // ---- run-loop side (the vCPU thread) ----

    var isPending: Bool { vwLoadAcquire32(cause) != 0 }

    func attach(thread: Int32) { vw_store_release_u32(threadPointer, UInt32(bitPattern: thread)) }

    /// Publishes the state, then a full fence: the run loop reads the cause after this, and
    /// raise() writes the cause before it reads the state, so one of the two sees the other.
    func setState(_ state: State) {
        vw_store_release_u32(statePointer, state.rawValue)
        vw_fence_seq_cst()
    }

    /// Back from KVM_RUN. No fence needed: a raise() that still reads `.running` only kicks
    /// needlessly (KVM_RUN then returns EINTR at once).
    func markInHost() { vw_store_release_u32(statePointer, State.inHost.rawValue) }

    /// Takes the TSC stamp of the last kick, if one is outstanding.
    func takeKickStamp() -> UInt64 {
        let stamp = vw_load_acquire_u64(kickStampPointer)
        if stamp != 0 { vw_store_release_u64(kickStampPointer, 0) }
        return stamp
    }

    /// Blocks until `raise()` has been called since `sequence` was read, or the timeout.
    /// Returns false on timeout.
    func wait(sequence: UInt32, timeoutNanoseconds: Int64) -> Bool {
        let result = vw_futex_wait(sequencePointer, sequence, timeoutNanoseconds)
        return SystemCall.errno(of: result) != .timedOut
    }
}
