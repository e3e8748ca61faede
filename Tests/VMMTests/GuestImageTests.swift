import Foundation
import Platform
import Testing
@testable import VMM

/// The committed guest bytes are reproducibly built from Guest/guest_driver.s.
@Suite struct GuestImageTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let assemblerPresent = ["/usr/bin/as", "/usr/local/bin/as"].contains { FileManager.default.isExecutableFile(atPath: $0) }
        && ["/usr/bin/objcopy", "/usr/local/bin/objcopy"].contains { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: assemblerPresent, "GNU as and objcopy are needed to re-assemble the guest"))
    func committedImageMatchesReassembledSource() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("GuestDriverImage-\(getpid()).swift")
        defer { try? FileManager.default.removeItem(at: output) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [Self.repository.appendingPathComponent("Guest/assemble.sh").path, output.path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let rebuilt = try String(contentsOf: output, encoding: .utf8)
        let committed = try String(contentsOf: Self.repository.appendingPathComponent("Sources/VMM/GuestDriverImage.swift"), encoding: .utf8)
        #expect(rebuilt == committed, "Sources/VMM/GuestDriverImage.swift is stale: run Guest/assemble.sh")
    }

    @Test func mailboxOffsetsMatchTheAssemblySource() throws {
        let source = try String(contentsOf: Self.repository.appendingPathComponent("Guest/guest_driver.s"), encoding: .utf8)
        var equates: [String: UInt64] = [:]
        for line in source.split(separator: "\n") {
            let parts = line.trimmingCharacters(in: .whitespaces).split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
            guard parts.count >= 3, parts[0] == ".equ" else { continue }
            let text = parts[2]
            equates[parts[1]] = text.hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text)
        }
        let expected: [String: UInt64] = [
            "MB_PACKET_COUNT": GuestMailbox.packetCount, "MB_PAYLOAD_LENGTH": GuestMailbox.payloadLength,
            "MB_TX_BUFFER_BASE": GuestMailbox.txBufferBase, "MB_TX_BUFFER_STRIDE": GuestMailbox.txBufferStride,
            "MB_TX_BUFFER_COUNT": GuestMailbox.txBufferCount, "MB_TX_RING": GuestMailbox.txRing,
            "MB_TX_RING_CAPACITY": GuestMailbox.txRingCapacity, "MB_COMPLETION_INDEX": GuestMailbox.completionIndex,
            "MB_DOORBELL": GuestMailbox.doorbell, "MB_STAMP_AREA": GuestMailbox.stampArea,
            "MB_STAMP_CAPACITY": GuestMailbox.stampCapacity, "MB_PORT_BASE": GuestMailbox.portBase,
            "MB_VM_ID": GuestMailbox.vmID, "MB_PAYLOAD_OFFSET": GuestMailbox.payloadOffset,
            "MB_TX_INTERVAL": GuestMailbox.txInterval, "MB_START_TSC": GuestMailbox.startTSC,
            "MB_WAIT_DEADLINE": GuestMailbox.waitDeadline, "STAMP_BYTES": UInt64(PayloadStamp.byteSize),
            "PATTERN_MULTIPLIER": FrameFormat.patternMultiplier, "MB_SENT": GuestMailbox.sent, "MB_RECLAIMED": GuestMailbox.reclaimed,
            "MB_ISR_COUNT": GuestMailbox.isrCount, "MB_WAIT_COUNT": GuestMailbox.waitCount,
            "MB_BAD_STATUS": GuestMailbox.badStatus, "MB_POLLED_ISR": GuestMailbox.polledISR,
            "MB_HOST_ISR": GuestMailbox.hostISR, "MB_SPIN_RELEASE": GuestMailbox.spinRelease, "PORT_BENCH": UInt64(GuestMailbox.benchPort), "MB_IRQ_PENDING": GuestMailbox.irqPending,
            "PORT_WAIT": UInt64(GuestMailbox.waitPort), "PORT_DONE": UInt64(GuestMailbox.donePort),
            "PORT_ERROR": UInt64(GuestMailbox.errorPort), "PROBE_MAGIC": UInt64(GuestMailbox.probeMagic),
            "ST_FILL": GuestStampField.fill.rawValue, "ST_DOORBELL": GuestStampField.doorbell.rawValue,
            "ST_RESUMED": GuestStampField.resumed.rawValue, "ST_RECLAIMED": GuestStampField.reclaimed.rawValue,
            "RING_PRODUCER": TXDescriptorLayout.producerOffset, "RING_CONSUMER": TXDescriptorLayout.consumerOffset,
            "RING_SLOTS": TXDescriptorLayout.slotsOffset, "D_ADDR": TXDescriptorLayout.address,
            "D_LENGTH": TXDescriptorLayout.length, "D_SEQ": TXDescriptorLayout.seq, "D_FLAGS": TXDescriptorLayout.flags,
            "D_VMID": TXDescriptorLayout.vmID, "D_KIND": TXDescriptorLayout.kind, "D_STATUS": TXDescriptorLayout.status,
            "D_BUFFER_ID": TXDescriptorLayout.bufferID, "D_AUX": TXDescriptorLayout.aux,
            "KIND_TX": UInt64(TXDescriptorLayout.kindTX), "STATUS_DONE": UInt64(TXDescriptorLayout.statusDone),
        ]
        for (name, value) in expected {
            #expect(equates[name] == value, "\(name): assembly \(String(describing: equates[name])), Swift \(value)")
        }
        #expect(1 << equates["ST_SHIFT", default: 0] == GuestLayout.stampRecordSize)
        #expect(1 << equates["DESC_SHIFT", default: 0] == TXDescriptorLayout.size)
    }

    /// The guest writes the TX ring that the device model reads as a Platform.DescriptorRing.
    @Test func txRingLayoutIsPlatformsDescriptorRing() {
        #expect(Int(TXDescriptorLayout.slotsOffset) == DescriptorRing.headerBytes)
        #expect(Int(TXDescriptorLayout.size) == DescriptorRing.slotBytes)
        #expect(TXDescriptorLayout.ringBytes(capacity: 64) == UInt64(DescriptorRing.bytesNeeded(capacity: 64)))
        let memory = UnsafeMutableRawPointer.allocate(byteCount: DescriptorRing.bytesNeeded(capacity: 8), alignment: 64)
        defer { memory.deallocate() }
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: DescriptorRing.bytesNeeded(capacity: 8))
        let ring = DescriptorRing(memory: memory, capacity: 8)
        _ = ring.push(Descriptor(addr: 0x1234, length: 77, seq: 5, kind: .tx, bufferID: 3, aux: 99))
        _ = ring.tryPop()
        #expect(memory.load(fromByteOffset: Int(TXDescriptorLayout.producerOffset), as: UInt32.self) == 1)
        #expect(memory.load(fromByteOffset: Int(TXDescriptorLayout.consumerOffset), as: UInt32.self) == 1)
        let slot = memory + Int(TXDescriptorLayout.slotsOffset)
        #expect(slot.load(fromByteOffset: Int(TXDescriptorLayout.address), as: UInt64.self) == 0x1234)
        #expect(slot.load(fromByteOffset: Int(TXDescriptorLayout.length), as: UInt32.self) == 77)
        #expect(slot.load(fromByteOffset: Int(TXDescriptorLayout.seq), as: UInt32.self) == 5)
        #expect(slot.load(fromByteOffset: Int(TXDescriptorLayout.kind), as: UInt8.self) == TXDescriptorLayout.kindTX)
        #expect(slot.load(fromByteOffset: Int(TXDescriptorLayout.bufferID), as: UInt16.self) == 3)
        #expect(slot.load(fromByteOffset: Int(TXDescriptorLayout.aux), as: UInt64.self) == 99)
    }

    @Test func entryPointsLieInsideTheImage() {
        let size = UInt64(GuestDriverImage.bytes.count)
        #expect(GuestDriverImage.entryOffset < size)
        #expect(GuestDriverImage.probeEntryOffset < size)
        #expect(GuestDriverImage.exitCostEntryOffset < GuestDriverImage.isrStartOffset)
        #expect(GuestDriverImage.isrStartOffset < GuestDriverImage.isrEndOffset)
        #expect(GuestDriverImage.isrEndOffset == size)
    }
}
