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
        guard (1...30).contains(prefixLength) else { throw PipelineError.setup("TUN prefix /\(prefixLength): must be 1...30") }
        let netmask = UInt32.max << UInt32(32 - prefixLength)
        let namespaceName = name
        return try run { () throws -> NamespaceTUN in
            var name = [CChar](repeating: 0, count: 16)
            let tun = try SystemCall.check("open /dev/net/tun, TUNSETIFF IFF_TUN|IFF_NO_PI in \(namespaceName)",
                                           vw_tun_open(&name, name.count), hint: "needs /dev/net/tun")
            var done = false
            defer { if !done { _ = vw_close(tun) } }
            let interface = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let ctl = try SystemCall.check("socket(AF_INET, SOCK_DGRAM)", vw_udp_socket())
            defer { _ = vw_close(ctl) }
            let dotted = Self.dotted(address)
            try SystemCall.check("SIOCSIFADDR \(interface) \(dotted)", vw_if_set_address(ctl, interface, address))
            try SystemCall.check("SIOCSIFNETMASK \(interface) /\(prefixLength)", vw_if_set_netmask(ctl, interface, netmask))
            try SystemCall.check("SIOCSIFMTU \(interface) \(mtu)", vw_if_set_mtu(ctl, interface, Int32(mtu)))
            try SystemCall.check("SIOCSIFFLAGS \(interface) up", vw_if_up(ctl, interface))
            done = true
            return NamespaceTUN(fd: tun, interface: interface)
        }
    }

    /// 198.18.0.1 for 0xC6120001.
    static func dotted(_ address: UInt32) -> String {
        (0..<4).map { String((address >> UInt32(24 - 8 * $0)) & 0xFF) }.joined(separator: ".")
    }
}
