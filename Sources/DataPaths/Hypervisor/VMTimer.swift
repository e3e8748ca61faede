import CVWiFiShim
import Measurement
import Platform

/// The VM's timer (the part of the LAPIC timer the idle guest uses): the guest writes an
/// absolute deadline; the hypervisor injects a tick when it passes.
final class VMTimer: TrapDevice, @unchecked Sendable {
    // Sound: read and written only on the exit-handler thread.
    static package let base: UInt64 = 0xFEE0_0000
    static package let length: UInt64 = 0x1000
    package private(set) var deadlineNs: Int64 = 0
    package private(set) var ticks: UInt32 = 0

    package func trappedWrite(offset: UInt64, value: UInt64, seq: UInt32, account: ThreadAccount) {
        deadlineNs = Int64(bitPattern: value)
    }

    package func fire() -> UInt32 {
        deadlineNs = 0
        ticks &+= 1
        return ticks
    }
}
