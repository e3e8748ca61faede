// A VM path carrying a real program's traffic: the program (a separate process in the station's
// namespace, standing for the guest's stack) -> its TUN -> the guest stack's thread puts the
// packet in the guest's TX buffer and raises the VM's line -> the guest driver (KVM vCPU, carry
// mode) -> the path as for the harness's frames -> μCode -> air -> access point -> the peer's
// TUN (the server's kernel). Back: the peer's kernel -> its TUN -> the access point's wire
// watcher rings the device -> air -> the path -> the guest ISR queues the IP packet in the
// outbox -> the vCPU thread writes it to the station's TUN (the program's kernel).
import CVWiFiShim
import Measurement
import Platform

extension Pipeline {
    /// Puts the access point's wired side and the guest's stack on a KVM path whose guest runs
    /// the carry mode, over the run's TUN interfaces.
    func carryProgram(_ interfaces: TrafficInterfaces, guest: KVMGuest, device: PhysicalDevice) throws -> GuestStack {
        addPeerWire(peerTUN: interfaces.peer, device: device)
        let stack = try GuestStack(context: context(.guest, GuestStack.threadName), guest: guest, tun: interfaces.station)
        if let logs = EchoTimes.logs(for: config.traffic) { (stack.echoRequests, stack.echoReplies) = logs }
        guest.stack = stack
        // The deliveries the vCPU thread makes for the stack come out of the hypervisor's share.
        guest.hypervisor.hosting = stack.deliveryAccount
        accounts.append(stack.deliveryAccount)
        notifiers.append(stack.room)
        add(GuestStack.threadName) { stack.run() }
        closers.append { stack.room.close() }
        return stack
    }
}
