/// The μCode's VM-ID table: vMAC filtering on receive, source checking on transmit, and the
/// per-VM state (section 4.3: "a mapping table is created to map VM-ID with the virtual MAC").
///
/// Lookups scan a fixed array of 16 MAC keys (no allocation, no lock). `register`/`update`
/// happen at set-up or from the control path while no lookup runs.
public final class VMTable: @unchecked Sendable {
    // SAFETY: `register`/`update` happen at set-up or from the control path while no lookup runs;
    // lookups and the counters belong to the μCode thread.
    public static let capacity = 16
    private var states: [VMDeviceState?] = Array(repeating: nil, count: VMTable.capacity)
    // MAC value + 1 per registered VM-ID (0 = free), scanned by lookups.
    private let macKeys: UnsafeMutablePointer<UInt64>
    // [0] rxUnmatched, [1] txSpoofed.
    private let counters: UnsafeMutablePointer<Int>

    public init() {
        // SAFETY: owned by this table, freed once in deinit; indices are VM-IDs < capacity (checked by
        // `register`) or the constants 0 and 1 for the counters.
        macKeys = .allocate(capacity: VMTable.capacity)
        macKeys.initialize(repeating: 0, count: VMTable.capacity)
        counters = .allocate(capacity: 2)
        counters.initialize(repeating: 0, count: 2)
    }

    deinit {
        // SAFETY: frees the two blocks from init, once.
        macKeys.deallocate()
        counters.deallocate()
    }

    /// Frames received for no registered vMAC.
    public var rxUnmatched: Int { counters[0] }
    /// Frames a VM tried to send with another source address.
    public var txSpoofed: Int { counters[1] }

    public var count: Int { states.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }

    public func register(_ s: VMDeviceState) throws {
        guard s.vmID < VMTable.capacity else {
            throw PlatformError.invalidArgument("vmID \(s.vmID) must be 0...15")
        }
        guard s.key.count == 16 else {
            throw PlatformError.invalidArgument("key of VM \(s.vmID) has \(s.key.count) bytes; it must have 16")
        }
        guard states[Int(s.vmID)] == nil else {
            throw PlatformError.duplicate("VM-ID \(s.vmID) is already registered")
        }
        for i in 0..<VMTable.capacity where macKeys[i] == s.mac.value &+ 1 {
            throw PlatformError.duplicate("MAC \(s.mac) is already registered to VM \(i)")
        }
        states[Int(s.vmID)] = s
        macKeys[Int(s.vmID)] = s.mac.value &+ 1
    }

    /// Removes a VM; false when it was not registered.
    @discardableResult
    public func unregister(vmID: UInt8) -> Bool {
        guard vmID < VMTable.capacity, states[Int(vmID)] != nil else { return false }
        states[Int(vmID)] = nil
        macKeys[Int(vmID)] = 0
        return true
    }

    /// Rate control command: replaces only this VM's rate table.
    public func updateRateTable(vmID: UInt8, rates: [Double]) throws {
        guard vmID < VMTable.capacity, states[Int(vmID)] != nil else {
            throw PlatformError.invalidArgument("rate control for unregistered VM \(vmID)")
        }
        states[Int(vmID)]!.rateTable = rates
    }

    /// TX power command: replaces only this VM's power table.
    public func updateTxPowerTable(vmID: UInt8, powers: [Int]) throws {
        guard vmID < VMTable.capacity, states[Int(vmID)] != nil else {
            throw PlatformError.invalidArgument("TX power control for unregistered VM \(vmID)")
        }
        states[Int(vmID)]!.txPowerTable = powers
    }

    /// VM-ID owning `mac` (receive-path demultiplexing); nil (and counted) when none does.
    @inline(__always)
    public func vmID(forDestination mac: MACAddress) -> UInt8? {
        let key = mac.value &+ 1
        for i in 0..<VMTable.capacity where macKeys[i] == key { return UInt8(i) }
        counters[0] &+= 1
        return nil
    }

    public func state(vmID: UInt8) -> VMDeviceState? {
        guard vmID < VMTable.capacity else { return nil }
        return states[Int(vmID)]
    }

    /// True when the frame's transmitter address (addr2) is the VM's own vMAC; a mismatch (or
    /// an unregistered VM) is counted as spoofed.
    @inline(__always)
    public func sourceMatches(vmID: UInt8, frame: UnsafeRawPointer) -> Bool {
        if vmID < VMTable.capacity, macKeys[Int(vmID)] != 0,
           FrameFormat.transmitterMAC(frame: frame).value &+ 1 == macKeys[Int(vmID)] {
            return true
        }
        counters[1] &+= 1
        return false
    }
}
