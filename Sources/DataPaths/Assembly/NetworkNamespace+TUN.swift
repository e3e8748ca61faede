// A TUN interface inside a run's namespace: the station's stand-in NIC, or the peer's end behind
// the access point. The kernel's packets for it are read from the fd; packets written to the fd
// are received by that namespace's stack. Its address is from 198.18.0.0/15 (RFC 2544's
// benchmarking range) and its route only the on-link /prefix: nothing points outside.
import CVWiFiShim
import Measurement

public struct NamespaceTUN: Sendable {
    /// Non-blocking, close-on-exec (no tool inherits it); the caller closes it.
    public let fd: Int32
    /// The kernel's name for it, inside the namespace (tun0 in each: names are per namespace).
    public let interface: String
}

extension NetworkNamespace {
    /// Opens a TUN interface in this namespace, gives it `address`/`prefixLength` (host order)
    /// and `mtu`, and brings it up.
    public func openTUN(address: UInt32, prefixLength: Int = 24, mtu: Int) throws -> NamespaceTUN {
        try run { () throws -> NamespaceTUN in
            let (tun, interface) = try KernelNetwork.openInterface(address: address, prefixLength: prefixLength, mtu: mtu)
            return NamespaceTUN(fd: tun, interface: interface)
        }
    }

    /// 198.18.0.1 for 0xC6120001.
    static func dotted(_ address: UInt32) -> String {
        (0..<4).map { String((address >> UInt32(24 - 8 * $0)) & 0xFF) }.joined(separator: ".")
    }
}
