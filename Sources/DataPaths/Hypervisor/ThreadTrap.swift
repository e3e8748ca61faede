// The `thread` trap backend: a guest access to a trapping address stops the guest thread and
// hands the access to the hypervisor's exit-handler thread, which decodes it, routes it by
// address and resumes the guest, as a VM exit does. Two real wake-ups per exit.
import CVWiFiShim
import Platform
import Synchronization

final class ThreadTrap: @unchecked Sendable {
    // SAFETY: the exit record fields are written by the guest before `request.signal()` and read
    // by the handler after its wait returns (the notifier's release/acquire pair orders them);
    // the guest does not touch them again until `completed` says the handler is done.
    private(set) var address: UInt64 = 0
    private(set) var value: UInt64 = 0
    private(set) var seq: UInt32 = 0
    private(set) var isWrite = true
    private(set) var width: Int = 4
    private let pending = Atomic<Bool>(false)
    private let completed = Atomic<Bool>(false)
    let request = Notifier()
    let resume = Notifier()
    private let control: PipelineControl

    init(control: PipelineControl) { self.control = control }

    /// Guest side: a trapping write. Returns when the hypervisor resumed the guest.
    func write(address: UInt64, value: UInt64, width: Int, seq: UInt32) {
        self.address = address
        self.value = value
        self.width = width
        self.isWrite = true
        self.seq = seq
        completed.store(false, ordering: .relaxed)
        pending.store(true, ordering: .releasing)
        _ = request.signal()
        while !completed.load(ordering: .acquiring) {
            let token = resume.prepare()
            if completed.load(ordering: .acquiring) || control.isStopping { break }
            if resume.wait(after: token, spinIterations: 200, timeoutNs: 100_000_000) == .closed { break }
        }
    }

    /// A trapped access waits for the handler (the watchdog asks; any thread).
    var hasPendingExit: Bool { pending.load(ordering: .relaxed) }

    /// Handler side: takes the pending exit, if any.
    @inline(__always) func takeExit() -> Bool {
        pending.exchange(false, ordering: .acquiring)
    }

    /// Handler side: the exit is handled; the guest continues.
    func complete() {
        completed.store(true, ordering: .releasing)
        _ = resume.signal()
    }

    func close() {
        request.close()
        resume.close()
    }
}
