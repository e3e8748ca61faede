import CVWiFiShim
import Measurement
import Platform

/// One VM attached to the augmented driver: its device model's socket and its virtual MAC.
struct AttachedVM {
    let vmID: UInt8
    let socket: Int32
    let mac: MACAddress
}
