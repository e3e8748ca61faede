// The two ways a guest driver's doorbell write reaches a device.
import Platform

/// Passthrough: the device's BAR is mapped into the guest, so the write goes straight to the
/// device's tail register with no exit. (Waking the device thread stands for the device
/// noticing; on the KVM backend nothing wakes it and the device samples the register.)
final class DeviceRegisterDoorbell: GuestDoorbell, @unchecked Sendable {
    // SAFETY: Notifier is safe to signal from any thread; the register is an atomic word.
    private let device: Notifier
    private let registers: DeviceRegisterPage
    init(device: Notifier, registers: DeviceRegisterPage) {
        self.device = device
        self.registers = registers
    }
    var reachesDevice: Bool { true }
    func ring(tail: UInt32, seq: UInt32) {
        registers.storeTXTail(tail)
        _ = device.signal()
    }
}

/// Virtual WiFi: the doorbell is an MMIO register of the virtual device; the write traps.
final class TrappingDoorbell: GuestDoorbell, @unchecked Sendable {
    // SAFETY: only the guest thread calls `ring`; ThreadTrap serialises the hand-off.
    private let trap: ThreadTrap
    init(trap: ThreadTrap) { self.trap = trap }
    var reachesDevice: Bool { false }
    func ring(tail: UInt32, seq: UInt32) {
        trap.write(address: DeviceModel.mmioBase + DeviceModel.txDoorbellOffset, value: UInt64(tail),
                   width: 4, seq: seq)
    }
}

/// `--doorbell ioeventfd` on the thread trap: as KVM's ioeventfd does, the write becomes a
/// signal on the device model's eventfd with no exit handler (and no value: the model reads the
/// ring's producer index itself).
final class EventFDDoorbell: GuestDoorbell, @unchecked Sendable {
    // SAFETY: an eventfd may be signalled from any thread.
    private let kick: EventChannel
    init(kick: EventChannel) { self.kick = kick }
    var reachesDevice: Bool { false }
    func ring(tail: UInt32, seq: UInt32) { kick.signal(1) }
}

/// How the guest driver's doorbell write reaches the device.
protocol GuestDoorbell: AnyObject, Sendable {
    /// Writes the TX ring's new tail to the doorbell register; `seq` is the stamped packet.
    func ring(tail: UInt32, seq: UInt32)
    /// True when the write lands in the physical device's own queue (passthrough): there is no
    /// extra path between the guest and the device.
    var reachesDevice: Bool { get }
}
