// The hypervisor's exit handler (thread trap backend): takes a trapped guest access, decodes
// it, routes it by address to the device that owns the range, and resumes the guest. It also
// owns the VM's timer, whose ticks it injects as virtual interrupts (the VM-idle scenario).
import CVWiFiShim
import Measurement
import Platform
import VMM
final class ExitHandler: PipelineComponent, @unchecked Sendable {
    // SAFETY: touched only by the exit-handler thread after start.
    package let context: ComponentContext
    private let trap: ThreadTrap
    /// The VM's MMIO bus: which device owns a trapped address.
    private let bus: MMIOBus
    private let timer: VMTimer
    private let line: VirtualInterruptSink
    private(set) var exits = 0
    private(set) var unroutedExits = 0
    private(set) var exitCycles: [UInt64] = []

    init(context: ComponentContext, trap: ThreadTrap, bus: MMIOBus,
         timer: VMTimer, line: VirtualInterruptSink, expectedExits: Int) {
        self.context = context
        self.trap = trap
        self.bus = bus
        self.timer = timer
        self.line = line
        exitCycles.reserveCapacity(expectedExits)
    }

    /// The guest trapped and waits for this handler (the watchdog asks).
    var exitWaiting: Bool { trap.hasPendingExit }

    func run() {
        runLoop {
            let token = trap.request.prepare()
            if trap.takeExit() {
                handleExit()
                return
            }
            let now = vw_monotonic_ns()
            if timer.deadlineNs != 0 && now >= timer.deadlineNs {
                let start = TSC.now()
                let tick = timer.fire()
                account.advance()
                let mid = account.charge(.timers, since: start)
                line.inject(seq: tick)
                account.charge(.virtualIRQDelivery, since: mid)
                return
            }
            let timeout = timer.deadlineNs != 0 ? max(1_000, timer.deadlineNs - now) : 100_000_000
            _ = trap.request.wait(after: token, spinIterations: 200, timeoutNs: timeout)
        }
    }

    private func handleExit() {
        let start = TSC.now()
        let seq = trap.seq
        account.stamp(.trapExit, seq, tsc: start)
        exits += 1
        account.advance()
        let address = trap.address
        guard bus.covers(address) else {
            // An access to no device: counted and ignored, as KVM does for unbacked MMIO.
            unroutedExits += 1
            trap.complete()
            return
        }
        let decoded = account.charge(.decoding, since: start)
        account.stamp(.decode, seq, tsc: decoded)
        let width = max(0, min(trap.width, 8))
        _ = withUnsafeBytes(of: trap.value) { bus.write(address: address, data: UnsafeRawBufferPointer(rebasing: $0[0..<width])) }
        let forwarded = account.charge(.ioExitHandlingAndForwarding, since: decoded)
        trap.complete()
        let end = account.charge(.schedulingWakeups, since: forwarded)
        if exitCycles.count < exitCycles.capacity { exitCycles.append(end &- start) }
    }
}
