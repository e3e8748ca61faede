// System calls on the pipeline's sockets, charged honestly: only the non-blocking call itself
// counts as `system_calls` time. When the peer is behind (socket full or empty) the thread waits
// in poll(2) uncharged, as a blocked thread uses no CPU; the wait is back-pressure, not work.
import CVWiFiShim
import Measurement
#if canImport(Glibc)
import Glibc
#endif

enum SocketCalls {
    /// Sends one message (two pieces, the second may be empty), waiting while the socket is
    /// full. Returns bytes sent, or a negative errno / 0 when the socket was shut down. The call
    /// is charged to `category`: `network_stack` where the kernel's UDP/IP stack runs inside it.
    @inline(__always)
    static func send(_ fd: Int32, _ a: UnsafeRawPointer?, _ alen: Int, _ b: UnsafeRawPointer? = nil, _ blen: Int = 0,
                     account: ThreadAccount, control: PipelineControl,
                     charging category: TimeCategory = .systemCalls) -> Int {
        while true {
            let start = TSC.now()
            let n = blen > 0 ? vw_send2(fd, a, alen, b, blen, 1) : vw_send(fd, a, alen, 1)
            account.charge(category, since: start)
            if !wouldBlock(n) || control.isStopping { return n }
            _ = vw_poll_writable(fd, 100)
        }
    }

    /// Receives one message, waiting while the socket is empty. Returns bytes received, 0 when
    /// the socket was shut down, or a negative errno.
    @inline(__always)
    static func receive(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ capacity: Int,
                        account: ThreadAccount, control: PipelineControl) -> Int {
        while true {
            let start = TSC.now()
            let n = vw_recv(fd, buffer, capacity, 1)
            account.charge(.systemCalls, since: start)
            if !wouldBlock(n) || control.isStopping { return n }
            _ = vw_poll_readable(fd, 100)
        }
    }

    /// The non-blocking call found the socket full (send) or empty (receive): EAGAIN.
    @inline(__always)
    static func wouldBlock(_ result: Int) -> Bool {
        SystemCall.errno(of: result) == .resourceTemporarilyUnavailable
    }
}
