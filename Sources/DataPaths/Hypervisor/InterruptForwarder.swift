import CVWiFiShim
import Measurement
import Platform

/// Passthrough's interrupt path: the physical interrupt arrives at the host, and KVM injects
/// a virtual interrupt into the guest without a device model or host driver.
final class InterruptForwarder: PipelineComponent, @unchecked Sendable {
    // SAFETY: the counters are touched only by the forwarder's own thread after start; the executor
    // reads them after join. `irq` and `line` are safe to use from any thread.
    package let context: ComponentContext
    private let irq: PhysicalInterrupt
    private let line: VirtualInterruptSink
    private(set) var handled = 0
    private(set) var injected = 0

    init(context: ComponentContext, irq: PhysicalInterrupt, line: VirtualInterruptSink) {
        self.context = context
        self.irq = irq
        self.line = line
    }

    func run() {
        runLoop {
            guard irq.channel.wait(timeoutMs: 100) != nil else { return }
            let start = TSC.now()
            let cause = irq.cause
            account.stamp(.physicalIRQ, cause, tsc: start)
            handled += 1
            account.advance()
            let mid = account.charge(.interruptHandlingForwarding, since: start)
            // Stamped as the injection starts: the guest may take the interrupt before inject returns.
            account.stamp(.virtualIRQInjection, cause, tsc: mid)
            line.inject(seq: cause)
            injected += 1
            account.charge(.virtualIRQDelivery, since: mid)
        }
    }
}
