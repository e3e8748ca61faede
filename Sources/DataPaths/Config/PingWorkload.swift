import CVWiFiShim
import Measurement
import Platform

enum PingWorkload {
    /// ICMP echo payload of the usual `ping` (56 bytes of data + 8 bytes of ICMP header).
    static let payloadBytes = 64
}
