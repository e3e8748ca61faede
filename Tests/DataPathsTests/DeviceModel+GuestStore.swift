@testable import DataPaths

extension DeviceModel {
    /// A guest store of `width` bytes (little-endian `value`) to one of the model's registers,
    /// as the MMIO bus hands it over during an exit.
    func guestStore(offset: UInt64, value: UInt64, width: Int = 4) {
        withUnsafeBytes(of: value) { write(offset: offset, data: UnsafeRawBufferPointer(rebasing: $0[0..<width])) }
    }
}
