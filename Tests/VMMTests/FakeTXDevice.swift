import CVWiFiShim
import Foundation
import Synchronization
import Platform
@testable import VMM

/// A test device model: consumes the TX ring (verifying every descriptor and payload from the
/// host side), and completes descriptors + raises the interrupt from its own thread.
/// Exit mode: the doorbell write (vCPU thread) consumes, then wakes the worker.
/// ioeventfd mode: the worker waits on the eventfd KVM signals, consumes and completes.
///
/// `@unchecked Sendable`: `consumer` and `failures` are touched by one thread per mode (the
/// vCPU thread in exit mode, the worker in ioeventfd mode); counters shared with the test
/// thread are atomics; guest RAM words are handed over with acquire/release.
final class FakeTXDevice: BusDevice, @unchecked Sendable {
    let ram: GuestRAM
    let parameters: GuestDriverParameters
    let mode: DoorbellMode
    let doorbellFD: Int32        // ioeventfd mode: signalled by KVM; exit mode: by write()
    private var consumer: UInt32 = 0
    private var lastCompleted: UInt32 = 0
    private(set) var failures: [String] = []
    let doorbellWrites = Atomic<Int>(0)
    let eventfdCount = Atomic<Int>(0)
    let completed = Atomic<Int>(0)
    let stop = Atomic<Bool>(false)
    private let line = Mutex<KVMInterruptLine?>(nil)
    private var worker: Thread?
    private let finished = DispatchSemaphore(value: 0)
    /// When set, completions go to this ring (one txStatus descriptor per packet, in order), as a
    /// device that reports TX completion in its completion queue does, instead of the index.
    var completionRing: DescriptorRing?

    init(ram: GuestRAM, parameters: GuestDriverParameters, mode: DoorbellMode) {
        self.ram = ram
        self.parameters = parameters
        self.mode = mode
        doorbellFD = vw_eventfd(0, 0)
    }

    deinit { _ = vw_close(doorbellFD) }

    func start(interruptLine: KVMInterruptLine) {
        line.withLock { $0 = interruptLine }
        let thread = Thread { [self] in workerLoop() }
        worker = thread
        thread.start()
    }

    /// Forgets the ring position between two guest runs (call while no doorbell is in flight).
    func resetRing() {
        consumer = 0
        lastCompleted = 0
        doorbellWrites.store(0, ordering: .relaxed)
        eventfdCount.store(0, ordering: .relaxed)
    }

    func shutdown() {
        stop.store(true, ordering: .sequentiallyConsistent)
        _ = vw_eventfd_signal(doorbellFD, 1)
        finished.wait()
        worker = nil                        // the thread's block holds self: break the cycle
        line.withLock { $0 = nil }          // and the line holds the vCPU that holds the bus that holds self
    }

    // Exit mode: called on the vCPU thread during the MMIO exit.
    func read(offset: UInt64, data: UnsafeMutableRawBufferPointer) {
        for i in data.indices { data[i] = 0 }
    }

    func write(offset: UInt64, data: UnsafeRawBufferPointer) {
        doorbellWrites.add(1, ordering: .relaxed)
        guard data.count == 4, offset == 0 else {
            failures.append("doorbell write of \(data.count) bytes at offset \(offset)")
            return
        }
        let producer = data.loadUnaligned(as: UInt32.self)
        consume(doorbell: producer)
        _ = vw_eventfd_signal(doorbellFD, 1)
    }

    /// Verifies and consumes descriptors [consumer, producer), marks them done. `doorbell` is the
    /// value the guest wrote (exit mode: the guest is stopped, so it must equal the producer).
    private func consume(doorbell: UInt32?) {
        let published = ram.loadU32(parameters.txRing + TXDescriptorLayout.producerOffset)
        if let doorbell, published != doorbell { failures.append("doorbell value \(doorbell), ring producer \(published)") }
        let mask = UInt32(parameters.txRingCapacity - 1)
        while consumer != published {
            let slot = parameters.txRing + TXDescriptorLayout.slotsOffset + UInt64(consumer & mask) * TXDescriptorLayout.size
            let address = ram.loadU64(slot + TXDescriptorLayout.address)
            let length = Int(ram.loadU32(slot + TXDescriptorLayout.length))
            let seq = ram.loadU32(slot + TXDescriptorLayout.seq)
            let kind = ram.pointer(slot + TXDescriptorLayout.kind)!.load(as: UInt8.self)
            if seq != consumer { failures.append("slot seq \(seq), expected \(consumer)") }
            if kind != TXDescriptorLayout.kindTX { failures.append("seq \(seq): kind \(kind)") }
            if length != parameters.payloadOffset + parameters.payloadLength { failures.append("seq \(seq): length \(length)") }
            if let payload = ram.pointer(address + UInt64(parameters.payloadOffset), length: UInt64(parameters.payloadLength)) {
                if let problem = GuestPayload.verify(payload, length: parameters.payloadLength, seq: seq) { failures.append(problem) }
            } else {
                failures.append("seq \(seq): buffer 0x\(String(address, radix: 16)) outside RAM")
            }
            ram.pointer(slot + TXDescriptorLayout.status)!.storeBytes(of: TXDescriptorLayout.statusDone, as: UInt16.self)
            consumer &+= 1
        }
        ram.storeU32(parameters.txRing + TXDescriptorLayout.consumerOffset, consumer)
    }

    private func workerLoop() {
        defer { finished.signal() }
        while true {
            var value: UInt64 = 0
            guard vw_eventfd_wait(doorbellFD, &value) == 0 else { continue }
            if stop.load(ordering: .sequentiallyConsistent) { return }
            if mode == .ioeventfd {
                eventfdCount.add(Int(value), ordering: .relaxed)
                consume(doorbell: nil)
            }
            let consumed = ram.loadU32(parameters.txRing + TXDescriptorLayout.consumerOffset)
            guard consumed != lastCompleted else { continue }
            if let ring = completionRing {
                var seq = lastCompleted
                while seq != consumed {
                    if !ring.push(Descriptor(seq: seq, kind: .txStatus)) { failures.append("completion ring full at seq \(seq)") }
                    seq &+= 1
                }
            } else {
                ram.storeU32(parameters.completionIndex, consumed)
            }
            completed.store(Int(consumed), ordering: .relaxed)
            lastCompleted = consumed
            line.withLock { $0 }?.raise()
        }
    }
}
