import VMM

/// The VM's timer (the part of the LAPIC timer the idle guest uses): the guest writes an
/// absolute deadline (a 64-bit register); the hypervisor injects a tick when it passes.
final class VMTimer: BusDevice, @unchecked Sendable {
    // SAFETY: read and written only on the exit-handler thread.
    static package let base: UInt64 = 0xFEE0_0000
    static package let length: UInt64 = 0x1000
    package private(set) var deadlineNs: Int64 = 0
    package private(set) var ticks: UInt32 = 0

    package func write(offset: UInt64, data: UnsafeRawBufferPointer) {
        guard data.count == 8 else { return }
        // SAFETY: bounds: data.count == 8 (checked above).
        deadlineNs = data.loadUnaligned(as: Int64.self)
    }

    package func read(offset: UInt64, data: UnsafeMutableRawBufferPointer) {
        // SAFETY: bounds: zeroes exactly the caller's buffer, `data.count` bytes.
        if let base = data.baseAddress { base.initializeMemory(as: UInt8.self, repeating: 0, count: data.count) }
    }

    package func fire() -> UInt32 {
        deadlineNs = 0
        ticks &+= 1
        return ticks
    }
}
