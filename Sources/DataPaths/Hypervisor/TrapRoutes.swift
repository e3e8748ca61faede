import CVWiFiShim
import Measurement
import Platform

/// A device behind a trapping address range (crosvm's bus devices take the same shape).
package protocol TrapDevice: AnyObject, Sendable {
    /// A guest write of `value` at `offset` within the device's range. Runs on the exit handler.
    func trappedWrite(offset: UInt64, value: UInt64, seq: UInt32, account: ThreadAccount)
}

/// Address ranges of trapping devices, looked up on every exit (the "decode").
package struct TrapRoutes {
    package init() {}
    private var bases: [UInt64] = []
    private var lengths: [UInt64] = []
    private var devices: [TrapDevice] = []

    mutating package func add(base: UInt64, length: UInt64, device: TrapDevice) {
        bases.append(base)
        lengths.append(length)
        devices.append(device)
    }

    @inline(__always) package func route(_ address: UInt64) -> (TrapDevice, UInt64)? {
        for i in 0..<bases.count where address >= bases[i] && address - bases[i] < lengths[i] {
            return (devices[i], address - bases[i])
        }
        return nil
    }
}
