// The host driver's view of the physical device: its TX ring and doorbell (on vwifi one TX queue
// and doorbell register per VM: multi-queue hardware), the completion ring the device fills, the
// RX buffers the driver posts (host memory), and its interrupt.
import Measurement
import Platform

final class HostDeviceQueues: @unchecked Sendable {
    // SAFETY: each ring has one producer and one consumer thread after setup (the TX queues'
    // producers are the threads the driver's transmit or command routine runs on: the native
    // sender's, or each VM's device model's), and each doorbell view one signaller.
    let tx: DescriptorRing
    let doorbell: Notifier
    /// TX queue k and its doorbell register; queue 0 is `tx` and `doorbell`.
    let txQueues: [DescriptorRing]
    let doorbells: [Notifier]
    let completions: DescriptorRing
    let rxFree: DescriptorRing
    let irq: PhysicalInterrupt
    private let rxPool: UnsafeMutableRawPointer
    let rxBufferBytes = 4096
    let rxBuffers: Int

    init(ringSize: Int, rxBuffers: Int, txQueueCount: Int = 1) throws {
        tx = DescriptorRing(capacity: ringSize)
        let bell = Notifier()
        doorbell = bell
        let more = (1..<max(1, txQueueCount)).map { _ in DescriptorRing(capacity: ringSize) }
        txQueues = [tx] + more
        // Every queue's doorbell wakes the one device thread; each has its own signaller counts.
        doorbells = [bell] + more.map { _ in Notifier(signallingWaiterOf: bell) }
        completions = DescriptorRing(capacity: ringSize * 2)
        rxFree = DescriptorRing(capacity: ringSize)
        irq = try PhysicalInterrupt()
        self.rxBuffers = rxBuffers
        // SAFETY: ownership: the RX buffer pool (rxBuffers x 4 KiB), zeroed before any descriptor points into it; freed once in deinit, after the pipeline's threads were joined.
        rxPool = .allocate(byteCount: max(1, rxBuffers) * rxBufferBytes, alignment: 4096)
        rxPool.initializeMemory(as: UInt8.self, repeating: 0, count: max(1, rxBuffers) * rxBufferBytes)
    }

    deinit { rxPool.deallocate() }

    /// The wiring the μCode sees: host addresses only, unless an IOMMU is given.
    func wiring(iommu: IOMMU?) -> DeviceWiring {
        DeviceWiring(txRing: tx, doorbell: doorbell, completions: completions, rxFree: rxFree, irq: irq,
                     iommu: iommu, owner: .hostDriver, moreTXRings: Array(txQueues.dropFirst()))
    }

    func postAllReceiveBuffers() {
        for i in 0..<rxBuffers { _ = rxFree.tryPush(rxDescriptor(UInt16(i))) }
        rxFree.publish()
    }

    func repost(bufferID: UInt16) { _ = rxFree.push(rxDescriptor(bufferID)) }

    private func rxDescriptor(_ id: UInt16) -> Descriptor {
        var d = Descriptor()
        d.addr = UInt64(UInt(bitPattern: rxPool + Int(id) * rxBufferBytes))
        d.length = UInt32(rxBufferBytes)
        d.kind = DescriptorKind.rx.rawValue
        d.flags = DescriptorFlag.hostAddress
        d.bufferID = id
        return d
    }

    /// Publishes one TX descriptor and rings the device's doorbell (a register write; waking the
    /// device thread stands for the device noticing it).
    /// Stamps `queuedToDevice` as the descriptor is published (the device may take it at once).
    @inline(__always) func queue(_ d: Descriptor, account: ThreadAccount) -> Bool {
        queue(d, on: 0, account: account)
    }

    /// The same on TX queue `index` (the calling thread is that queue's only producer).
    @inline(__always) func queue(_ d: Descriptor, on index: Int, account: ThreadAccount) -> Bool {
        let ring = txQueues[index]
        guard !ring.isFull else { return false }
        account.stamp(.queuedToDevice, d.seq)
        _ = ring.push(d)
        let start = TSC.now()
        _ = doorbells[index].signal()
        account.charge(.schedulingWakeups, since: start)
        return true
    }

    /// Address of a completed RX buffer.
    @inline(__always) func rxFrame(_ d: Descriptor) -> UnsafeMutableRawPointer {
        rxPool + Int(d.bufferID) * rxBufferBytes
    }
}
