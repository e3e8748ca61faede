import CVWiFiShim
import Measurement
import Platform
import VMM

/// The device model's interrupt into the KVM guest: VMM's line (cause word in guest RAM, then
/// immediate_exit + signal or a futex wake of the waiting run loop), or with the irqchip
/// mechanism one eventfd write to the guest's irqfd (the kernel injects).
final class KVMInterruptSink: VirtualInterruptSink, @unchecked Sendable {
    // SAFETY: `line` and `irqfd` are set once during assembly (KVMGuest.connect), before any
    // pipeline thread starts.
    var line: KVMInterruptLine?
    var irqfd: IRQFDInterruptSink?
    package func inject(seq: UInt32) {
        if let irqfd { irqfd.inject(seq: seq) } else { line?.raise() }
    }
}
