// The native path's piece of the real kernel network: a network namespace only this run uses,
// a TUN interface standing for the WiFi NIC (the kernel's packets for it are what the host
// driver's transmit routine is handed), and the application's UDP socket on it. The station is
// 198.18.0.1/24 and the peer beyond the access point 198.18.0.2 (RFC 2544 benchmarking range),
// so nothing can leave the namespace, let alone the machine.
import CVWiFiShim
import Measurement
import Platform
#if canImport(Glibc)
import Glibc
#endif

struct KernelNetwork {
    /// The TUN fd (non-blocking): read = the packet the kernel transmits, write = a received one.
    let tun: Int32
    /// The application's UDP socket, bound to the station and connected to the peer.
    let socket: Int32
    let interface: String

    /// Largest IP packet: the largest payload the options accept, so the kernel never fragments.
    static let mtu = PathConfig.maxPayload + FrameFormat.ipv4HeaderBytes + FrameFormat.udpHeaderBytes
    /// Room for received packets the application has not read yet (the kernel drops beyond it).
    static let receiveBufferBytes: Int32 = 8 << 20

    /// Builds the network on a short-lived thread: unshare(CLONE_NEWNET) moves only the calling
    /// thread, and the fds made there keep the namespace alive for every thread. It disappears
    /// when they close, so nothing outlives the run.
    static func create(peerPort: UInt16) throws -> KernelNetwork {
        final class Outcome: @unchecked Sendable {
            // SAFETY: written by the setup thread, read after joining it.
            var result: Result<KernelNetwork, any Error> = .failure(PipelineError.setup("network setup never ran"))
        }
        let outcome = Outcome()
        do {
            let thread = try OSThread.start(name: "vw-netns") { _ in
                outcome.result = Result { try build(peerPort: peerPort) }
            }
            thread.join()
        } catch {
            throw PipelineError.system(error)
        }
        switch outcome.result {
        case .success(let network): return network
        case .failure(let error as PipelineError): throw error
        case .failure(let error): throw PipelineError.setup("native network: \(error)")
        }
    }

    /// Runs on the thread that owns the new namespace.
    private static func build(peerPort: UInt16) throws -> KernelNetwork {
        var opened: [Int32] = []
        var done = false
        defer { if !done { for fd in opened { _ = vw_close(fd) } } }
        try SystemCall.check("unshare(CLONE_NEWNET)", vw_unshare_net(), hint: "the native path needs root")
        let (tun, interface) = try openInterface(address: FrameFormat.stationIPv4, mtu: mtu)
        opened.append(tun)
        let socket = try SystemCall.check("socket(AF_INET, SOCK_DGRAM)", vw_udp_socket())
        opened.append(socket)
        try SystemCall.check("SO_RCVBUFFORCE \(receiveBufferBytes)", vw_set_rcvbuf_force(socket, receiveBufferBytes))
        try SystemCall.check("bind 198.18.0.1:\(FrameFormat.workloadPort)",
                             vw_bind_inet(socket, FrameFormat.stationIPv4, FrameFormat.workloadPort))
        try SystemCall.check("connect 198.18.0.2:\(peerPort)", vw_connect_inet(socket, FrameFormat.peerIPv4, peerPort))
        done = true
        return KernelNetwork(tun: tun, socket: socket, interface: interface)
    }

    /// What a WiFi interface presents to the kernel, so a program's TCP segments have the size
    /// they have on a real station (1448 payload bytes with timestamps).
    static let programMTU = 1500

    /// Opens a TUN interface in the calling thread's namespace (non-blocking, close-on-exec fd),
    /// with `address`/`prefixLength` and `mtu`, and brings it up. IPv6 is off for new interfaces first, so the kernel queues no
    /// router solicitations beside the run's packets.
    static func openInterface(address: UInt32, prefixLength: Int = 24, mtu: Int) throws -> (tun: Int32, interface: String) {
        guard (1...30).contains(prefixLength) else { throw PipelineError.setup("TUN prefix /\(prefixLength): must be 1...30") }
        let mask = UInt32.max << UInt32(32 - prefixLength)
        let v6 = vw_disable_ipv6_default()
        if SystemCall.errno(of: v6) != .noSuchFileOrDirectory { try SystemCall.check("disable_ipv6 in the run's namespace", v6) }
        var name = [CChar](repeating: 0, count: 16)
        let tun = try SystemCall.check("open /dev/net/tun, TUNSETIFF IFF_TUN|IFF_NO_PI",
                                       vw_tun_open(&name, name.count), hint: "needs /dev/net/tun")
        var done = false
        defer { if !done { _ = vw_close(tun) } }
        let interface = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let ctl = try SystemCall.check("socket(AF_INET, SOCK_DGRAM)", vw_udp_socket())
        defer { _ = vw_close(ctl) }
        let dotted = NetworkNamespace.dotted(address)
        try SystemCall.check("SIOCSIFADDR \(interface) \(dotted)", vw_if_set_address(ctl, interface, address))
        try SystemCall.check("SIOCSIFNETMASK \(interface) /\(prefixLength)", vw_if_set_netmask(ctl, interface, mask))
        try SystemCall.check("SIOCSIFMTU \(interface) \(mtu)", vw_if_set_mtu(ctl, interface, Int32(mtu)))
        try SystemCall.check("SIOCSIFFLAGS \(interface) up", vw_if_up(ctl, interface))
        done = true
        return (tun, interface)
    }
}
