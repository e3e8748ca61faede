// What reaches the native app: the host driver's write() to the TUN device runs the kernel's
// IP/UDP receive, which wakes the app's recv().
extension NativeApp {
    var hopConnections: [HopConnection] {
        [HopConnection(into: [.rxDelivery], from: [.hostDriver], "socket wake-up (TUN write, recv)")]
    }
}
