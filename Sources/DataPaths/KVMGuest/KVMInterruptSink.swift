import CVWiFiShim
import Measurement
import Platform
import VMM

/// The device model's interrupt into the KVM guest: VMM's line (cause word in guest RAM, then
/// immediate_exit + signal or a futex wake of the waiting run loop).
final class KVMInterruptSink: VirtualInterruptSink, @unchecked Sendable {
    // SAFETY: `line` is set once during assembly, before any pipeline thread starts.
    var line: KVMInterruptLine?
    package func inject(seq: UInt32) { line?.raise() }
}
