// What reaches the thread trap's exit handler: the guest's trapping write, a synchronous
// hand-off through the trap's futex.
extension ExitHandler {
    var hopConnections: [HopConnection] {
        [HopConnection(into: [.trapExit], from: [.guest], "futex (thread trap)")]
    }
}
