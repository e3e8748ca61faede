import CVWiFiShim
import Measurement
import Foundation
import Synchronization

/// What exits cost on this host, measured with the guest's exit-cost entry
/// (Guest/, C behind an assembly entry stub): cycles are TSC ticks; "round trip" is what the guest sees between
/// the TSC just before its exiting instruction and the TSC just after it.
public struct KVMExitCosts: Sendable {
    public let iterations: Int
    /// MMIO store that exits to user space (null device: nothing is dispatched).
    public let mmioExitRoundTrip: CycleSummary
    /// Host-observed KVM_RUN duration of those exits.
    public let mmioExitKVMRun: CycleSummary
    /// OUT that exits to user space.
    public let pioExitRoundTrip: CycleSummary
    public let pioExitKVMRun: CycleSummary
    /// MMIO store absorbed in the kernel by ioeventfd (no user-space exit).
    public let ioeventfdWriteRoundTrip: CycleSummary?
    /// Doorbell stores the ioeventfd counted (equals `iterations` when every write was absorbed).
    public let ioeventfdSignals: UInt64
    /// `KVMInterruptLine.raise()` on another thread (immediate_exit + signal) to KVM_RUN
    /// returning EINTR on the vCPU thread, while the guest spins.
    public let kickToExit: CycleSummary?
}

/// Measures `KVMExitCosts` in throwaway VMs (4 MiB of RAM each).
public enum KVMExitCostMeter {
    static let doorbell = ScratchGuest.doorbell
    static let portBase = ScratchGuest.portBase

    public static func measure(device: String = "/dev/kvm", iterations: Int = 200, kicks: Int = 50) throws(VMMError) -> KVMExitCosts {
        guard (1...4096).contains(iterations), (0...10_000).contains(kicks) else {
            throw .config("iterations/kicks", "\(iterations)/\(kicks): use 1...4096 iterations and 0...10000 kicks")
        }
        let exits = try runGuest(device: device, iterations: iterations, kicks: kicks, ioeventfd: false)
        let absorbed = try runGuest(device: device, iterations: iterations, kicks: 0, ioeventfd: true)
        guard let mmio = exits.guestMMIO.summary(), let mmioHost = exits.hostMMIO.summary(),
              let pio = exits.guestPIO.summary(), let pioHost = exits.hostPIO.summary() else {
            throw VMMError("the exit-cost guest recorded no samples")
        }
        return KVMExitCosts(iterations: iterations, mmioExitRoundTrip: mmio, mmioExitKVMRun: mmioHost,
                            pioExitRoundTrip: pio, pioExitKVMRun: pioHost,
                            ioeventfdWriteRoundTrip: absorbed.guestMMIO.summary(), ioeventfdSignals: absorbed.eventfdSignals,
                            kickToExit: exits.kicks.summary())
    }

    struct Samples {
        let guestMMIO: CycleSamples, hostMMIO: CycleSamples, guestPIO: CycleSamples, hostPIO: CycleSamples
        let kicks: CycleSamples
        var eventfdSignals: UInt64 = 0
    }

    /// Phase flags shared with the kicker thread.
    final class KickerState: Sendable {
        let spinning = Atomic<Bool>(false)
        let acknowledged = Atomic<Int>(0)
        let finished = Atomic<Bool>(false)
    }

    static func runGuest(device: String, iterations: Int, kicks: Int, ioeventfd: Bool) throws(VMMError) -> Samples {
        let guest = try ScratchGuest(device: device)
        let ram = guest.ram, layout = guest.layout, vm = guest.vm
        let m = layout.mailbox
        ram.storeU64(m + GuestMailbox.packetCount, UInt64(iterations))
        ram.storeU64(m + GuestMailbox.stampArea, layout.stampArea)
        ram.storeU64(m + GuestMailbox.stampCapacity, UInt64(layout.stampCapacity))
        var eventfd: Int32 = -1
        if ioeventfd {
            eventfd = try SystemCall.check("eventfd", vw_eventfd(0, 0), as: VMMError.init)
            try vm.addIOEventFD(address: doorbell, length: 4, eventfd: eventfd)
        }
        defer { if eventfd >= 0 { _ = vw_close(eventfd) } }
        let vcpu = try guest.vcpu(entryOffset: GuestDriverImage.exitCostEntryOffset)
        let signal = vw_vmm_kick_signal()
        try SystemCall.check("sigaction (vCPU kick signal)", vw_install_interrupting_handler(signal), as: VMMError.init)
        _ = vw_unblock_signal(signal)
        guard let cause = ram.pointer(m + GuestMailbox.irqPending, length: 4) else { throw .config("GuestLayout.mailbox", "outside RAM") }
        let line = KVMInterruptLine(cause: cause, run: vcpu.runPage, signal: signal, owner: vcpu)
        line.attach(thread: vw_gettid())
        line.setState(.running)
        defer { line.setState(.idle) }

        var samples = Samples(guestMMIO: CycleSamples(capacity: iterations), hostMMIO: CycleSamples(capacity: iterations),
                              guestPIO: CycleSamples(capacity: iterations), hostPIO: CycleSamples(capacity: iterations),
                              kicks: CycleSamples(capacity: max(1, kicks)))
        let state = KickerState()
        let done = DispatchSemaphore(value: 0)
        if kicks > 0 {
            Thread {
                defer { done.signal() }
                let deadline = vw_monotonic_ns() + 10_000_000_000
                for i in 0..<kicks {
                    // Kick only a vCPU that is back in the guest's spin loop: wait for the previous
                    // kick's acknowledgement, then give the vCPU thread time to re-enter.
                    while !state.finished.load(ordering: .acquiring),
                          !(state.spinning.load(ordering: .acquiring) && state.acknowledged.load(ordering: .acquiring) == i) {
                        if vw_monotonic_ns() > deadline { return }
                        usleep(50)
                    }
                    if state.finished.load(ordering: .acquiring) { return }
                    usleep(200)
                    line.raise()
                }
            }.start()
        } else {
            done.signal()
        }
        defer {
            state.finished.store(true, ordering: .releasing)
            done.wait()
        }

        var benchExits = 0
        func release() { ram.storeU64(m + GuestMailbox.spinRelease, 1) }
        runLoop: while true {
            let before = vw_rdtsc()
            let exit = vcpu.run()
            let after = vw_rdtsc()
            vcpu.setImmediateExit(false)
            switch exit {
            case .mmio(doorbell, _, true):
                samples.hostMMIO.record(after &- before)
            case let .io(port, true, _, _) where port == portBase + GuestMailbox.benchPort:
                samples.hostPIO.record(after &- before)
                benchExits += 1
                if benchExits == iterations {
                    if kicks == 0 { release() } else { state.spinning.store(true, ordering: .releasing) }
                }
            case let .io(port, true, _, _) where port == portBase + GuestMailbox.donePort:
                break runLoop
            case .interrupted:
                let kick = line.takeKickStamp()
                if kick != 0 && kick < after { samples.kicks.record(after &- kick) }
                ram.storeU32(m + GuestMailbox.irqPending, 0)
                let acknowledged = state.acknowledged.add(1, ordering: .acquiringAndReleasing).newValue
                if acknowledged == kicks { release() }
            default:
                throw VMMError("exit-cost guest stopped unexpectedly: \(exit)")
            }
            if kicks > 0, state.finished.load(ordering: .acquiring) { break }
        }
        for i in 0..<iterations {
            let record = layout.stampArea + UInt64(i) * GuestLayout.stampRecordSize
            samples.guestMMIO.record(ram.loadU64(record + GuestStampField.doorbell.rawValue) &- ram.loadU64(record + GuestStampField.fill.rawValue))
            samples.guestPIO.record(ram.loadU64(record + GuestStampField.reclaimed.rawValue) &- ram.loadU64(record + GuestStampField.resumed.rawValue))
        }
        if ioeventfd {
            var value: UInt64 = 0
            if vw_poll_readable(eventfd, 0) == 1, vw_eventfd_wait(eventfd, &value) == 0 { samples.eventfdSignals = value }
        }
        return samples
    }
}
