// The hypervisor's exit handler (thread trap backend): takes a trapped guest access, decodes
// it, routes it by address to the device that owns the range, and resumes the guest. It also
// owns the VM's timer, whose ticks it injects as virtual interrupts (the VM-idle scenario).
import CVWiFiShim
import Measurement
import Platform

/// A device behind a trapping address range (crosvm's bus devices take the same shape).
protocol TrapDevice: AnyObject, Sendable {
    /// A guest write of `value` at `offset` within the device's range. Runs on the exit handler.
    func trappedWrite(offset: UInt64, value: UInt64, seq: UInt32, account: ThreadAccount)
}

/// Address ranges of trapping devices, looked up on every exit (the "decode").
struct TrapRoutes {
    private var bases: [UInt64] = []
    private var lengths: [UInt64] = []
    private var devices: [TrapDevice] = []

    mutating func add(base: UInt64, length: UInt64, device: TrapDevice) {
        bases.append(base)
        lengths.append(length)
        devices.append(device)
    }

    @inline(__always) func route(_ address: UInt64) -> (TrapDevice, UInt64)? {
        for i in 0..<bases.count where address >= bases[i] && address - bases[i] < lengths[i] {
            return (devices[i], address - bases[i])
        }
        return nil
    }
}

/// The VM's timer (the part of the LAPIC timer the idle guest uses): the guest writes an
/// absolute deadline; the hypervisor injects a tick when it passes.
final class VMTimer: TrapDevice, @unchecked Sendable {
    // Sound: read and written only on the exit-handler thread.
    static let base: UInt64 = 0xFEE0_0000
    static let length: UInt64 = 0x1000
    private(set) var deadlineNs: Int64 = 0
    private(set) var ticks: UInt32 = 0

    func trappedWrite(offset: UInt64, value: UInt64, seq: UInt32, account: ThreadAccount) {
        deadlineNs = Int64(bitPattern: value)
    }

    func fire() -> UInt32 {
        deadlineNs = 0
        ticks &+= 1
        return ticks
    }
}

final class ExitHandler: @unchecked Sendable {
    // Sound: touched only by the exit-handler thread after start.
    let account: ThreadAccount
    private let control: PipelineControl
    private let trap: ThreadTrap
    private let routes: TrapRoutes
    private let timer: VMTimer
    private let line: VirtualInterruptSink
    private(set) var exits = 0
    private(set) var unroutedExits = 0
    private(set) var exitCycles: [UInt64] = []

    init(account: ThreadAccount, control: PipelineControl, trap: ThreadTrap, routes: TrapRoutes,
         timer: VMTimer, line: VirtualInterruptSink, expectedExits: Int) {
        self.account = account
        self.control = control
        self.trap = trap
        self.routes = routes
        self.timer = timer
        self.line = line
        exitCycles.reserveCapacity(expectedExits)
    }

    /// The guest trapped and waits for this handler (the watchdog asks).
    var exitWaiting: Bool { trap.hasPendingExit }

    func run() {
        account.attach()
        while !control.isStopping {
            account.follow(control)
            let token = trap.request.prepare()
            if trap.takeExit() {
                handleExit()
                continue
            }
            let now = vw_monotonic_ns()
            if timer.deadlineNs != 0 && now >= timer.deadlineNs {
                let start = TSC.now()
                let tick = timer.fire()
                account.advance()
                let mid = account.charge(.timers, since: start)
                line.inject(seq: tick)
                account.charge(.virtualIRQDelivery, since: mid)
                continue
            }
            let timeout = timer.deadlineNs != 0 ? max(1_000, timer.deadlineNs - now) : 100_000_000
            _ = trap.request.wait(after: token, spinIterations: 200, timeoutNs: timeout)
        }
        account.finish()
    }

    private func handleExit() {
        let start = TSC.now()
        let seq = trap.seq
        account.stamp(.exitEntered, seq, tsc: start)
        exits += 1
        account.advance()
        guard let (device, offset) = routes.route(trap.address) else {
            // An access to no device: counted and ignored, as KVM does for unbacked MMIO.
            unroutedExits += 1
            trap.complete()
            return
        }
        let decoded = account.charge(.decoding, since: start)
        account.stamp(.exitDecoded, seq, tsc: decoded)
        device.trappedWrite(offset: offset, value: trap.value, seq: seq, account: account)
        let forwarded = account.charge(.ioExitHandling, since: decoded)
        trap.complete()
        let end = account.charge(.scheduling, since: forwarded)
        if exitCycles.count < exitCycles.capacity { exitCycles.append(end &- start) }
    }
}

/// Passthrough's interrupt path: the physical interrupt arrives at the host, and KVM injects
/// a virtual interrupt into the guest without a device model or host driver.
final class InterruptForwarder: @unchecked Sendable {
    let account: ThreadAccount
    private let control: PipelineControl
    private let irq: PhysicalInterrupt
    private let line: VirtualInterruptSink
    private(set) var handled = 0
    private(set) var injected = 0

    init(account: ThreadAccount, control: PipelineControl, irq: PhysicalInterrupt, line: VirtualInterruptSink) {
        self.account = account
        self.control = control
        self.irq = irq
        self.line = line
    }

    func run() {
        account.attach()
        while !control.isStopping {
            account.follow(control)
            guard irq.channel.wait(timeoutMs: 100) != nil else { continue }
            let start = TSC.now()
            let cause = irq.cause
            account.stamp(.physicalIRQHandled, cause, tsc: start)
            handled += 1
            account.advance()
            let mid = account.charge(.interruptHandling, since: start)
            line.inject(seq: cause)
            injected += 1
            account.stamp(.virtualIRQInjected, cause)
            account.charge(.virtualIRQDelivery, since: mid)
        }
        account.finish()
    }
}
