// The assigned device's register page (its BAR): one page of memory the device owns and the
// guest driver stores into. The KVM backend maps it into the guest as a memory slot of its own,
// so the driver's doorbell store is an ordinary store (no exit, no host-side notification), as
// a store to a BAR mapped through VFIO reaches real hardware as a posted write; the device
// samples it (PhysicalDevice+Doorbell). The thread trap's guest stores into it too, then wakes
// the device thread (its stand-in for the device noticing).
import CVWiFiShim
import Platform

final class DeviceRegisterPage: @unchecked Sendable {
    // SAFETY: the page is raw memory shared with the guest; every register is a u32 accessed
    // only with acquire/release atomics, and this object frees the page once, after every
    // thread (and the VM that maps it) is done with it.
    static let bytes = 4096
    /// The TX doorbell (tail) register: the same offset as the virtual device's doorbell, so
    /// one guest driver serves both.
    static let txTailOffset = Int(DeviceModel.txDoorbellOffset)
    /// Guest-physical address of the page on the KVM backend: the device's BAR, where the
    /// virtual device's registers sit on the vwifi path.
    static let guestPhysicalAddress = DeviceModel.mmioBase

    let base: UnsafeMutableRawPointer

    init() {
        // SAFETY: owned by this page, page-aligned (KVM memory slots need it), freed once in deinit.
        base = .allocate(byteCount: Self.bytes, alignment: Self.bytes)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: Self.bytes)
    }

    // SAFETY: frees the page from init, once; the pipeline has joined every thread and closed the VM.
    deinit { base.deallocate() }

    // SAFETY: bounds: txTailOffset + 4 <= bytes, 4-aligned.
    private var txTailWord: UnsafeMutablePointer<UInt32> {
        (base + Self.txTailOffset).assumingMemoryBound(to: UInt32.self)
    }

    /// The tail the guest driver last stored: guest input, validated by the device.
    var txTail: UInt32 { vw_load_acquire_u32(txTailWord) }

    /// A store to the doorbell register (the thread trap's guest; tests playing a guest).
    func storeTXTail(_ tail: UInt32) { vw_store_release_u32(txTailWord, tail) }
}
