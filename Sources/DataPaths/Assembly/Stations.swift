import CVWiFiShim
import Measurement
import Platform
import VMM

/// Addresses of the one station (a VM's virtual MAC, or the host's), its BSS and the wired peer.
enum Stations {
    static let bssid = MACAddress(0x02, 0x00, 0x00, 0x00, 0xAA, 0x01)
    static let peer = MACAddress(0x02, 0x00, 0x00, 0x00, 0xFF, 0x01)
    static func station(vmID: UInt8) -> MACAddress { MACAddress(0x02, 0x00, 0x00, 0x00, 0x00, vmID) }

    static func deviceState(vmID: UInt8) -> VMDeviceState {
        VMDeviceState(vmID: vmID, mac: station(vmID: vmID), bssid: bssid, channel: 6,
                      key: (0..<16).map { UInt8($0) &* 17 &+ vmID },
                      rateTable: [6, 9, 12, 18, 24, 36, 48, 54], txPowerTable: [15, 15, 15, 15, 14, 13, 12, 12])
    }
}
