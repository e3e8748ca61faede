import Foundation
import Platform
import Testing
@testable import VMM

/// The committed guest bytes are reproducibly built from Guest/ (entry.S, driver.c, isr.c, guest.ld).
@Suite struct GuestImageTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let toolchainPresent = ["/usr/bin/gcc", "/usr/local/bin/gcc"].contains { FileManager.default.isExecutableFile(atPath: $0) }
        && ["/usr/bin/objcopy", "/usr/local/bin/objcopy"].contains { FileManager.default.isExecutableFile(atPath: $0) }

    /// `gcc --version`'s first line on this machine.
    static func installedCompiler() -> String {
        let process = Process()
        let pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "${CC:-gcc} --version | head -n 1"]
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return "unknown" }
        process.waitUntilExit()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(.enabled(if: toolchainPresent, "gcc and objcopy are needed to rebuild the guest"))
    func committedImageMatchesRebuiltSource() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("GuestDriverImage-\(getpid()).swift")
        defer { try? FileManager.default.removeItem(at: output) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [Self.repository.appendingPathComponent("Guest/build.sh").path, output.path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let rebuilt = try String(contentsOf: output, encoding: .utf8)
        let committed = try String(contentsOf: Self.repository.appendingPathComponent("Sources/VMM/GuestDriverImage.swift"), encoding: .utf8)
        let installed = Self.installedCompiler()
        #expect(rebuilt == committed, "Sources/VMM/GuestDriverImage.swift differs from a rebuild of Guest/: it was built with \(GuestDriverImage.compilerVersion), this machine has \(installed); if the sources changed, run Guest/build.sh")
    }

    @Test func mailboxOffsetsMatchTheHeader() throws {
        let source = try String(contentsOf: Self.repository.appendingPathComponent("Guest/mailbox.h"), encoding: .utf8)
        var equates: [String: UInt64] = [:]
        for line in source.split(separator: "\n") {
            let parts = line.trimmingCharacters(in: .whitespaces).split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard parts.count >= 3, parts[0] == "#define" else { continue }
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
            "KIND_RX": UInt64(TXDescriptorLayout.kindRX), "KIND_TX_STATUS": UInt64(TXDescriptorLayout.kindTXStatus),
            "KIND_RX_FRAME": UInt64(TXDescriptorLayout.kindRXFrame), "FLAG_DROPPED": UInt64(TXDescriptorLayout.flagDropped),
            "MB_MODE": GuestMailbox.mode, "MB_RX_RING": GuestMailbox.rxRing, "MB_RX_RING_CAPACITY": GuestMailbox.rxRingCapacity,
            "MB_RX_BUFFER_BASE": GuestMailbox.rxBufferBase, "MB_RX_BUFFER_STRIDE": GuestMailbox.rxBufferStride,
            "MB_RX_BUFFER_COUNT": GuestMailbox.rxBufferCount, "MB_COMPLETION_RING": GuestMailbox.completionRing,
            "MB_COMPLETION_RING_CAPACITY": GuestMailbox.completionRingCapacity, "MB_RX_SEEN": GuestMailbox.rxSeen,
            "MB_RX_SEEN_WORDS": GuestMailbox.rxSeenWords, "MB_WARMUP": GuestMailbox.warmup,
            "MB_RTT_AREA": GuestMailbox.rttArea, "MB_RTT_CAPACITY": GuestMailbox.rttCapacity,
            "MB_SEQ_BASE": GuestMailbox.seqBase, "MB_TIMER": GuestMailbox.timer, "MB_TIMER_PERIOD": GuestMailbox.timerPeriod,
            "MB_RX_DELIVERED": GuestMailbox.rxDelivered, "MB_RX_CORRUPT": GuestMailbox.rxCorrupt,
            "MB_RX_DUPLICATE": GuestMailbox.rxDuplicate, "MB_RX_MEASURED": GuestMailbox.rxMeasured,
            "MB_RX_MEASURED_BYTES": GuestMailbox.rxMeasuredBytes, "MB_RX_FIRST_TSC": GuestMailbox.rxFirstTSC,
            "MB_RX_LAST_TSC": GuestMailbox.rxLastTSC, "MB_ECHOES": GuestMailbox.echoes, "MB_TICKS": GuestMailbox.ticks,
            "MB_RX_TX_STATUS": GuestMailbox.rxTXStatus,
            "MODE_UDP_TX": GuestDriverMode.udpTX.rawValue, "MODE_UDP_RX": GuestDriverMode.udpRX.rawValue,
            "MODE_PING": GuestDriverMode.ping.rawValue, "MODE_IDLE": GuestDriverMode.idle.rawValue,
            "FRAME_OVERHEAD": UInt64(FrameFormat.overheadBytes), "FRAME_PAYLOAD_OFFSET": UInt64(FrameFormat.payloadOffset),
            "PORT_WORKLOAD": UInt64(FrameFormat.workloadPort), "PORT_DISCARD": UInt64(FrameFormat.discardPort),
            "PORT_ECHO": UInt64(FrameFormat.echoPort), "FRAME_UDP_SOURCE_PORT": 52, "FRAME_UDP_DESTINATION_PORT": 54,
            "CAUSE_DEVICE": UInt64(GuestMailbox.causeDevice), "CAUSE_TIMER": UInt64(GuestMailbox.causeTimer),
            "MB_IRQ_MODE": GuestMailbox.irqMode, "MB_APIC_TICKS_PER_TSC": GuestMailbox.apicTicksPerTSC,
            "MB_IDT_ISR": GuestMailbox.idtISR, "IRQ_MODE_PENDING_FLAG": GuestMailbox.irqModePendingFlag,
            "IRQ_MODE_IRQCHIP": GuestMailbox.irqModeIRQChip, "VECTOR_DEVICE": UInt64(GuestMailbox.vectorDevice),
            "VECTOR_WAKE": UInt64(GuestMailbox.vectorWake), "VECTOR_WAIT": UInt64(GuestMailbox.vectorWait),
            "APIC_BASE": GuestMailbox.apicBase, "APIC_EOI": GuestMailbox.apicEOI, "APIC_TMICT": GuestMailbox.apicTMICT,
            "MB_PING_TIMEOUTS": GuestMailbox.pingTimeouts, "MODE_UDP_BIDIR": GuestDriverMode.udpBidir.rawValue,
            "MODE_CARRY": GuestDriverMode.carry.rawValue, "CAUSE_STACK": UInt64(GuestMailbox.causeStack),
            "MB_CARRY_LENGTHS": GuestMailbox.carryLengths, "MB_CARRY_PRODUCED": GuestMailbox.carryProduced,
            "MB_OUTBOX": GuestMailbox.outbox, "MB_OUTBOX_SLOTS": GuestMailbox.outboxSlots,
            "MB_OUTBOX_CONSUMED": GuestMailbox.outboxConsumed, "MB_OUTBOX_PRODUCED": GuestMailbox.outboxProduced,
            "MB_OUTBOX_FULL": GuestMailbox.outboxFull, "MB_STACK_WAKES": GuestMailbox.stackWakes,
            "OUTBOX_SLOT_BYTES": GuestMailbox.outboxSlotBytes, "OUTBOX_LENGTH": GuestMailbox.outboxLength,
            "OUTBOX_SEQ": GuestMailbox.outboxSeq, "OUTBOX_PACKET": GuestMailbox.outboxPacket,
            "LLC_SNAP_IPV4": FrameFormat.llcSnapIPv4,
        ]
        for (name, value) in expected {
            #expect(equates[name] == value, "\(name): Guest/mailbox.h \(String(describing: equates[name])), Swift \(value)")
        }
        #expect(1 << equates["ST_SHIFT", default: 0] == GuestLayout.stampRecordSize)
        // The descriptor kinds and the dropped flag are Platform's (the device model writes them).
        #expect(TXDescriptorLayout.kindTX == DescriptorKind.tx.rawValue && TXDescriptorLayout.kindRX == DescriptorKind.rx.rawValue)
        #expect(TXDescriptorLayout.kindTXStatus == DescriptorKind.txStatus.rawValue && TXDescriptorLayout.kindRXFrame == DescriptorKind.rxFrame.rawValue)
        #expect(TXDescriptorLayout.flagDropped == DescriptorFlag.dropped)
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

    @Test func imageIsLinkedAtTheStandardCodeAddress() {
        #expect(GuestDriverImage.linkAddress == GuestLayout(memorySize: 4 << 20).code)
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
