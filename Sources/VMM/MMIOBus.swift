/// A device model reachable through an address range (crosvm's BusDevice shape). Offsets are
/// relative to the range's base. Called on the vCPU thread, during the exit.
public protocol BusDevice: AnyObject {
    func read(offset: UInt64, data: UnsafeMutableRawBufferPointer)
    func write(offset: UInt64, data: UnsafeRawBufferPointer)
}

/// Address ranges (MMIO or ports) mapped to device models. An access no device covers is
/// counted (reads return zeros), never fatal.
public final class MMIOBus {
    private struct Entry {
        let base: UInt64
        let length: UInt64
        let device: BusDevice
    }
    private var entries: [Entry] = []
    /// Accesses that hit no device.
    public private(set) var unknownAccesses = 0
    /// Address of the last unknown access, for the error report.
    public private(set) var lastUnknownAddress: UInt64?

    public init() {}

    /// Maps `device` at `[base, base+length)`; ranges must not overlap.
    public func insert(_ device: BusDevice, base: UInt64, length: UInt64) throws(VMMError) {
        guard length > 0, base &+ length > base else {
            throw .config("bus range at 0x\(String(base, radix: 16))", "length \(length) is empty or wraps")
        }
        if let clash = entries.first(where: { base < $0.base + $0.length && $0.base < base + length }) {
            throw .config("bus range at 0x\(String(base, radix: 16))", "overlaps the device at 0x\(String(clash.base, radix: 16))")
        }
        entries.append(Entry(base: base, length: length, device: device))
        entries.sort { $0.base < $1.base }
    }

    /// Whether some device covers `address`.
    public func covers(_ address: UInt64) -> Bool { find(address) >= 0 }

    /// Index of the entry covering `address`, or -1. Few devices: a linear scan is cheaper than
    /// anything clever; an index loop, because a generic iterator can allocate in unoptimised
    /// builds and this runs on every exit.
    private func find(_ address: UInt64) -> Int {
        var i = 0
        while i < entries.count {
            if address >= entries[i].base && address - entries[i].base < entries[i].length { return i }
            i += 1
        }
        return -1
    }

    /// `find` for a guest access: a miss is counted as an unknown access before -1 comes back.
    private func accessedEntry(_ address: UInt64) -> Int {
        let index = find(address)
        if index < 0 {
            unknownAccesses += 1
            lastUnknownAddress = address
        }
        return index
    }

    /// Dispatches a guest write. Returns false when no device covers `address`.
    @discardableResult
    public func write(address: UInt64, data: UnsafeRawBufferPointer) -> Bool {
        let index = accessedEntry(address)
        guard index >= 0 else { return false }
        entries[index].device.write(offset: address - entries[index].base, data: data)
        return true
    }

    /// Dispatches a guest read into `data` (zeros when no device covers `address`).
    @discardableResult
    public func read(address: UInt64, data: UnsafeMutableRawBufferPointer) -> Bool {
        let index = accessedEntry(address)
        guard index >= 0 else {
            // SAFETY: bounds: zeroes exactly the caller's buffer (KVM's mmio data bytes), `data.count` long.
            if let base = data.baseAddress { base.initializeMemory(as: UInt8.self, repeating: 0, count: data.count) }
            return false
        }
        entries[index].device.read(offset: address - entries[index].base, data: data)
        return true
    }
}
