import Testing
@testable import Platform

@Suite struct VMTableTests {
    let ap = MACAddress(0x02, 0xAA, 0, 0, 0, 1)

    @Test func filtersByVirtualMACAndChecksSources() throws {
        let table = VMTable()
        try table.register(VMDeviceState(vmID: 1, mac: .virtualMAC(vmID: 1), bssid: ap))
        try table.register(VMDeviceState(vmID: 2, mac: .virtualMAC(vmID: 2), bssid: ap, channel: 11))
        #expect(table.count == 2)
        #expect(table.vmID(forDestination: .virtualMAC(vmID: 2)) == 2)
        #expect(table.vmID(forDestination: .virtualMAC(vmID: 1)) == 1)
        #expect(table.vmID(forDestination: .virtualMAC(vmID: 3)) == nil)
        #expect(table.rxUnmatched == 1)
        #expect(table.state(vmID: 2)?.channel == 11)

        let p = UnsafeMutableRawPointer.allocate(byteCount: 2048, alignment: 64)
        defer { p.deallocate() }
        let n = FrameFormat.writeFrame(into: p, capacity: 2048, payloadLength: 100, seq: 1,
                                       source: .virtualMAC(vmID: 1), destination: .virtualMAC(vmID: 9), bssid: ap, kind: .udp)
        #expect(n > 0)
        #expect(table.sourceMatches(vmID: 1, frame: p))
        #expect(!table.sourceMatches(vmID: 2, frame: p))
        #expect(!table.sourceMatches(vmID: 5, frame: p))
        #expect(table.txSpoofed == 2)
    }

    @Test func rejectsDuplicatesAndBadKeys() throws {
        let table = VMTable()
        try table.register(VMDeviceState(vmID: 1, mac: .virtualMAC(vmID: 1), bssid: ap))
        #expect(throws: PlatformError.self) { try table.register(VMDeviceState(vmID: 1, mac: .virtualMAC(vmID: 7), bssid: ap)) }
        #expect(throws: PlatformError.self) { try table.register(VMDeviceState(vmID: 2, mac: .virtualMAC(vmID: 1), bssid: ap)) }
        #expect(throws: PlatformError.self) { try table.register(VMDeviceState(vmID: 3, mac: .virtualMAC(vmID: 3), bssid: ap, key: [1, 2])) }
        #expect(throws: PlatformError.self) { try table.register(VMDeviceState(vmID: 16, mac: .virtualMAC(vmID: 16), bssid: ap)) }
        #expect(table.unregister(vmID: 1))
        try table.register(VMDeviceState(vmID: 2, mac: .virtualMAC(vmID: 1), bssid: ap))
        #expect(table.vmID(forDestination: .virtualMAC(vmID: 1)) == 2)
    }

    @Test func perVMCommandsTouchOnlyThatVM() throws {
        let table = VMTable()
        try table.register(VMDeviceState(vmID: 1, mac: .virtualMAC(vmID: 1), bssid: ap))
        try table.register(VMDeviceState(vmID: 2, mac: .virtualMAC(vmID: 2), bssid: ap))
        try table.updateRateTable(vmID: 1, rates: [24, 12])
        try table.updateTxPowerTable(vmID: 2, powers: [10, 5])
        #expect(table.state(vmID: 1)?.rateTable == [24, 12])
        #expect(table.state(vmID: 2)?.rateTable == [54, 48, 36, 24, 18, 12, 9, 6])
        #expect(table.state(vmID: 2)?.txPowerTable == [10, 5])
        #expect(table.state(vmID: 1)?.txPowerTable == [20])
        #expect(throws: PlatformError.self) { try table.updateRateTable(vmID: 9, rates: [6]) }
    }
}
