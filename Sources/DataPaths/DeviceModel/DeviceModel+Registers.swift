// The device's register file as the guest sees it, reached through the MMIO bus on the
// exit handler (thread trap) or the vCPU thread (KVM) during the exit. Only the TX doorbell is
// defined: a 32-bit register taking the TX ring's new tail. Every other access is ignored and
// counted, as hardware drops writes to undefined registers and reads them as zeros.
import Platform
import VMM

extension DeviceModel {
    package func write(offset: UInt64, data: UnsafeRawBufferPointer) {
        guard offset == Self.txDoorbellOffset, data.count == 4 else {
            undefinedWrites.add(1, ordering: .relaxed)
            return
        }
        // SAFETY: bounds: data.count == 4 (checked above).
        doorbellTail.store(data.loadUnaligned(as: UInt32.self), ordering: .releasing)
        kick.signal(1)
    }

    package func read(offset: UInt64, data: UnsafeMutableRawBufferPointer) {
        // SAFETY: bounds: zeroes exactly the caller's buffer, `data.count` bytes.
        if let base = data.baseAddress { base.initializeMemory(as: UInt8.self, repeating: 0, count: data.count) }
        undefinedReads.add(1, ordering: .relaxed)
    }
}
