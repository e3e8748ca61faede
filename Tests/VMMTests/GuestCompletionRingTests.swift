import CVWiFiShim
import Foundation
import Measurement
import Platform
import Testing
@testable import VMM

/// The guest program's second TX completion protocol: a device that reports each packet's TX
/// status in its completion ring (as the physical device does), with no completion index.
@Suite(.serialized, .enabled(if: KVMHere.usable, "/dev/kvm cannot run a CPL3 long-mode guest here: \(KVMHere.availability.reason)"))
struct GuestCompletionRingTests {
    @Test func txStatusesInTheCompletionRingReclaimEveryPacket() throws {
        let memory = try TestRAM()
        let layout = GuestLayout(memorySize: memory.ram.size)
        var parameters = GuestDriverParameters.standard(layout: layout, packetCount: 200, payloadLength: 300,
                                                        bufferCount: 8, ringCapacity: 8)
        // The completion ring (and the RX side it belongs to) above the TX buffers.
        let ringGPA = (parameters.txBufferBase + parameters.txBufferStride * 8 + 4095) & ~4095
        let capacity = 16
        let buffers = ringGPA + UInt64(DescriptorRing.bytesNeeded(capacity: capacity) + 4095) & ~4095
        let rxRing = buffers + 4 * 4096
        let seen = rxRing + UInt64(DescriptorRing.bytesNeeded(capacity: 4) + 63) & ~63
        parameters.receive = GuestReceiveParameters(
            rxRing: rxRing, rxRingCapacity: 4, rxBufferBase: buffers, rxBufferStride: 4096, rxBufferCount: 4,
            completionRing: ringGPA, completionRingCapacity: capacity, seenBitmap: seen, seenWords: 1)
        parameters.txCompletionsInRing = true
        let vm = try KVMVirtualMachine(ram: memory.ram)
        let device = FakeTXDevice(ram: memory.ram, parameters: parameters, mode: .ioeventfd)
        let bus = MMIOBus()
        try bus.insert(device, base: parameters.doorbellAddress, length: 4)
        let runner = try GuestDriverRunner(vm: vm, layout: layout, parameters: parameters, bus: bus,
                                           doorbellMode: .ioeventfd, doorbellEventFD: device.doorbellFD)
        #expect(runner.mailbox(GuestMailbox.completionIndex) == 0, "no completion index: the ring reports")
        device.completionRing = DescriptorRing(memory: memory.ram.pointer(ringGPA, length: UInt64(DescriptorRing.bytesNeeded(capacity: capacity)))!,
                                               capacity: capacity)
        device.start(interruptLine: runner.interruptLine)
        defer { device.shutdown() }
        let report = try runner.run(waitTimeoutNanoseconds: 5_000_000_000)
        #expect(device.failures.isEmpty, "\(device.failures.prefix(5))")
        #expect(report.packetsSent == 200 && report.packetsReclaimed == 200)
        #expect(report.badCompletionStatus == 0)
        #expect(runner.guestCount(GuestMailbox.rxTXStatus) == 200)
        #expect(runner.guestCount(GuestMailbox.rxDelivered) == 0)
    }

    @Test func ringCompletionsWithoutTheRingAreRejectedUpFront() throws {
        let memory = try TestRAM()
        let layout = GuestLayout(memorySize: memory.ram.size)
        var parameters = GuestDriverParameters.standard(layout: layout, packetCount: 1)
        parameters.txCompletionsInRing = true
        #expect { try parameters.validate(layout: layout, ram: memory.ram) } throws: {
            ($0 as? VMMError)?.message.contains("receive") == true
        }
    }
}
