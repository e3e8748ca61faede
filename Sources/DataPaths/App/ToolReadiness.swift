// When a traffic program's server is ready for its client: its socket is bound (UDP) or
// listening (TCP) in the peer namespace. Read from /proc/<server pid>/net/{tcp,udp}[6], which
// shows the sockets of the namespace that process is in, so the coordinator can poll it from
// outside that namespace.
import Measurement

public enum ToolReadiness: Sendable, Equatable {
    public enum Transport: String, Sendable { case tcp, udp }
    /// Nothing to wait for (ping: the peer's kernel answers).
    case none
    /// A socket on this port: TCP in LISTEN, or UDP bound.
    case listening(Transport, port: Int)

    /// Whether the server whose process id is `pid` is ready; false if its tables cannot be read.
    public func isSatisfied(serverPID pid: Int32) -> Bool {
        guard case .listening(let transport, _) = self else { return true }
        let tables = ["", "6"].compactMap { TextFile.read("/proc/\(pid)/net/\(transport.rawValue)\($0)") }
        return tables.contains { isSatisfied(procNet: $0) }
    }

    /// Whether one /proc/net/tcp- or udp-format table has the socket this readiness waits for.
    public func isSatisfied(procNet table: String) -> Bool {
        guard case .listening(let transport, let port) = self else { return true }
        // TCP_LISTEN is 0x0A; a bound, unconnected UDP socket is TCP_CLOSE, 0x07.
        let state = transport == .tcp ? "0A" : "07"
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            guard fields.count > 3, let colon = fields[1].lastIndex(of: ":") else { continue }
            let localPort = Int(fields[1][fields[1].index(after: colon)...], radix: 16)
            if localPort == port && fields[3] == state { return true }
        }
        return false
    }

    /// What the coordinator waits for, in words (for a timeout's message).
    public var description: String {
        switch self {
        case .none: "nothing"
        case .listening(let transport, let port): "\(transport.rawValue.uppercased()) port \(port)"
        }
    }
}
