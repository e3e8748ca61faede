import CVWiFiShim
import Measurement
import Platform

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
            account.stamp(.physicalIRQ, cause, tsc: start)
            handled += 1
            account.advance()
            let mid = account.charge(.interruptHandlingForwarding, since: start)
            line.inject(seq: cause)
            injected += 1
            account.stamp(.virtualIRQInjection, cause)
            account.charge(.virtualIRQDelivery, since: mid)
        }
        account.finish()
    }
}
