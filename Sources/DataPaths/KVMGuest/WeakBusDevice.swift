import CVWiFiShim
import Measurement
import Platform
import VMM

/// Forwards bus accesses to a device it does not keep alive (one weak load per MMIO exit,
/// which costs tens of thousands of cycles anyway).
final class WeakBusDevice: BusDevice {
    weak var target: BusDevice?
    init(_ target: BusDevice) { self.target = target }
    func read(offset: UInt64, data: UnsafeMutableRawBufferPointer) { target?.read(offset: offset, data: data) }
    func write(offset: UInt64, data: UnsafeRawBufferPointer) { target?.write(offset: offset, data: data) }
}
