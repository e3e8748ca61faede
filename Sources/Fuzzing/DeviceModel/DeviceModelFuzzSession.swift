// One device-model fuzz input's world: a 128 KiB VM with real rings, a real DeviceModel, a
// recording entry standing for the host driver's command handling (and a socket pair for its
// interrupt context); the guest's actions, and the invariant checks.
import DataPaths
import CVWiFiShim
import Measurement
import Platform
import VMM

/// One input's device model and the guest around it.
final class DeviceModelFuzzSession {
    typealias Setup = DeviceModelFuzzProgram.Setup
    typealias Op = DeviceModelFuzzProgram.Op
    let setup: Setup
    let memory: GuestMemory
    let rings: GuestRings
    let model: DeviceModel
    let control = PipelineControl()
    let tally = Tally()
    let account = ThreadAccount(component: .deviceModel, name: "fuzz", stampCapacity: 16,
                                stampsEnabled: false, events: [])
    let modelSide: Int32
    let driverSide: Int32
    /// The VM's MMIO bus, as the exit handler and the vCPU thread dispatch guest accesses.
    let bus = MMIOBus()
    /// The guest's own buffers start here; `pokeMemory` never touches the rings below.
    let bufferRegion: UInt64
    let frame: UnsafeMutableRawPointer
    /// Descriptors the guest pushed, by harness-assigned seq - 1 (a ring slot only ever holds
    /// zeros or one of these, so any command can be traced to the guest's descriptor).
    var pushedDescriptors: [Descriptor] = []
    var pushed: UInt32 = 0
    var commandsReceived = 0
    var rxFramesCopied = 0
    var undefinedWrites = 0
    var undefinedReads = 0
    var violations: [String] = []
    /// The guest made its own rings unreadable: it stored into its completion ring's producer
    /// index (what it pops may be stale), or posted an RX buffer over its ring pages (a frame
    /// copied there, as the guest asked, overwrites slots). Checks of what the guest reads
    /// back are then off; checks of what reaches the host driver never are.
    var ringsTampered = false

    init(setup: Setup) throws {
        self.setup = setup
        memory = try GuestMemory(size: DeviceModelFuzzTarget.memoryBytes, vmID: DeviceModelFuzzTarget.vmID,
                                 slotSize: DeviceModelFuzzTarget.slotBytes)
        rings = try GuestRings(memory: memory, ringSize: DeviceModelFuzzTarget.ringSize,
                               rxBuffers: DeviceModelFuzzTarget.rxBufferCount)
        bufferRegion = rings.txBuffers[0]
        var fds: [Int32] = [-1, -1]
        let r = fds.withUnsafeMutableBufferPointer { vw_seqpacket_pair($0.baseAddress) }
        guard r == 0 else { throw PipelineError.setup("socketpair failed (\(r))") }
        modelSide = fds[0]
        driverSide = fds[1]
        var config = PathConfig(path: .vwifi)
        config.air = .none
        config.translation = setup.contains(.iommu) ? .iommu : .software
        let translator = setup.contains(.iommu) ? nil
            : try SoftwareTranslator(memory: memory, pageTable: GuestPageTable(memory: memory), pagemap: false,
                                     cacheEntries: setup.contains(.translationCache) ? 64 : 0)
        let completions: GuestCompletionSink = setup.contains(.kvmCompletions)
            ? try TXStatusSink(ring: rings.tx, memory: memory, indexGPA: try memory.allocate(bytes: 64, alignment: 64))
            : CompletionRingSink(rings: rings)
        model = try DeviceModel(context: ComponentContext(config: config, account: account, control: control,
                                                          tally: tally),
                                vmID: DeviceModelFuzzTarget.vmID, rings: rings, completions: completions,
                                translator: translator, socket: modelSide, hostDriver: hostDriver,
                                line: NoInterruptLine(),
                                doorbellCarriesTail: !setup.contains(.ioeventfd),
                                stampsGuestPublication: setup.contains(.guestPublicationStamps))
        try bus.insert(model, base: DeviceModel.mmioBase, length: DeviceModel.mmioLength)
        // SAFETY: the host frame buffer (maxFrame bytes) is owned by this session and freed once in deinit;
        // deliverRX writes < maxFrame + 1 bytes.
        frame = .allocate(byteCount: DeviceModelFuzzTarget.maxFrame, alignment: 64)
    }

    deinit {
        _ = vw_close(modelSide)
        _ = vw_close(driverSide)
        // SAFETY: frees the blocks from init, once; the model that was handed `frame` is done with it.
        frame.deallocate()
    }

    final class NoInterruptLine: VirtualInterruptSink, @unchecked Sendable {
        // SAFETY: it has no state.
        func inject(seq: UInt32) {}
    }

    /// The host driver's command entry: keeps every command the model hands over, refuses none.
    final class RecordingHostDriver: HostDriverEntry {
        var commands: [Descriptor] = []
        func submit(_ command: Descriptor) -> CommandOutcome {
            commands.append(command)
            return .queued
        }
        var kernelAccount: ThreadAccount? { nil }
    }
    let hostDriver = RecordingHostDriver()

    func violate(_ what: String) {
        if violations.count < 8 { violations.append(what) }
    }

    // MARK: the program

    func step(_ r: inout FuzzByteReader) {
        guard let op = Op(rawValue: r.u8() % Op.count) else { return }
        switch op {
        case .mmioWrite:
            let offset = r.read(UInt16.self), width = 1 << Int(r.u8() & 3), value = r.read(UInt64.self)
            mmioWrite(offset: UInt64(offset), width: width, value: width == 8 ? value : value & (1 << (8 * UInt64(width)) - 1))
        case .mmioRead:
            let offset = r.read(UInt16.self), width = 1 << Int(r.u8() & 3)
            var value: UInt64 = .max
            let routed = withUnsafeMutableBytes(of: &value) {
                bus.read(address: DeviceModel.mmioBase + UInt64(offset), data: UnsafeMutableRawBufferPointer(rebasing: $0[0..<width]))
            }
            if routed { undefinedReads += 1 }  // no readable register: counted
            if value & (width == 8 ? .max : (1 << (8 * UInt64(width))) - 1) != 0 {
                violate("MMIO read at offset \(offset) returned \(value), not zeros")
            }
        case .pushTX:
            let sel = r.u8(), arg = r.read(UInt64.self), rawLength = r.read(UInt32.self)
            var d = Descriptor(addr: gpa(sel, arg, buffers: rings.txBuffers), length: length(sel, rawLength))
            d.kind = r.u8()
            d.vmID = r.u8()
            d.flags = r.read(UInt16.self)
            d.status = r.read(UInt16.self)
            d.bufferID = r.read(UInt16.self)
            d.aux = r.read(UInt64.self)
            d.seq = UInt32(pushedDescriptors.count + 1)
            let publish = r.u8() & 1 != 0
            if publish ? rings.tx.push(d) : rings.tx.tryPush(d) {
                pushedDescriptors.append(d)
                pushed &+= 1
            }
        case .publishTX:
            rings.tx.publish()
        case .doorbell:
            let tail = indexValue(mode: r.u8(), value: r.read(UInt32.self), current: pushed)
            mmioWrite(offset: DeviceModel.txDoorbellOffset, width: 4, value: UInt64(tail))
        case .kick:
            model.drainGuestTX()
            receiveCommands()
        case .postRX:
            let sel = r.u8(), arg = r.read(UInt64.self), rawLength = r.read(UInt32.self)
            var d = Descriptor(addr: gpa(sel, arg, buffers: rings.rxBuffers), length: length(sel, rawLength))
            d.kind = r.u8()
            if rings.rxFree.push(d) && d.addr < bufferRegion { ringsTampered = true }
        case .deliverRX:
            let length = Int(r.read(UInt16.self)) % (DeviceModelFuzzTarget.maxFrame + 1)
            let seq = r.read(UInt32.self)
            deliverRX(length: length, seq: seq)
        case .pokeRingIndex:
            let which = Int(r.u8() % 6), mode = r.u8(), value = r.read(UInt32.self)
            let ring = [rings.tx, rings.rxFree, rings.completions][which / 2]
            let offset = which % 2 == 0 ? DescriptorRing.producerIndexOffset : DescriptorRing.consumerIndexOffset
            // SAFETY: bounds: the producer and consumer index words are 4-aligned words in the
            // 256-byte header of a live ring; only the vw_* atomics touch them.
            let word = (ring.memory + offset).assumingMemoryBound(to: UInt32.self)
            vw_store_release_u32(word, indexValue(mode: mode, value: value, current: vw_load_acquire_u32(word)))
            if which == 4 { ringsTampered = true }
        case .popCompletions:
            let n = Int(r.u8())
            var i = 0
            while i < n, let c = rings.completions.tryPop() {
                checkCompletion(c, delivered: nil)
                i += 1
            }
        case .pokeMemory:
            let offset = r.read(UInt32.self), value = r.read(UInt64.self)
            let span = UInt64(memory.size) - bufferRegion - 8
            let gpa = bufferRegion + UInt64(offset) % span
            // SAFETY: bounds: hostAddress checked the 8 bytes are guest RAM (nil: skipped); the model thread is
            // this thread, so the poke races nothing.
            memory.hostAddress(gpa: gpa, length: 8)?.storeBytes(of: value, as: UInt64.self)
        }
    }

    /// A guest store into the device's MMIO window, dispatched by the bus as the exit handler
    /// and the vCPU thread do; the model's own register file applies the width rule (the
    /// doorbell is a 4-byte register, a store of another width is undefined).
    func mmioWrite(offset: UInt64, width: Int, value: UInt64) {
        let routed = withUnsafeBytes(of: value) {
            bus.write(address: DeviceModel.mmioBase + offset, data: UnsafeRawBufferPointer(rebasing: $0[0..<width]))
        }
        guard routed else { return }
        guard offset == DeviceModel.txDoorbellOffset && width == 4 else {
            undefinedWrites += 1
            return
        }
        model.drainGuestTX()  // what the model thread does on the kick
        receiveCommands()
    }

    func indexValue(mode: UInt8, value: UInt32, current: UInt32) -> UInt32 {
        mode & 1 == 0 ? current &+ UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: value))) : value
    }

    func gpa(_ sel: UInt8, _ arg: UInt64, buffers: [UInt64]) -> UInt64 {
        let size = UInt64(memory.size)
        switch DeviceModelFuzzProgram.Target(rawValue: (sel & 0x0F) % 6)! {
        case .ownBuffer: return buffers[Int(arg % UInt64(buffers.count))]
        case .insideMemory: return arg % size
        case .slotEnd: return UInt64(memory.slotSize) - arg % 4097
        case .memoryEnd: return size - arg % 4097
        case .raw: return arg
        case .beyondWindow: return arg % size | arg & ~(IOMMU.windowBytes - 1)
        }
    }

    func length(_ sel: UInt8, _ raw: UInt32) -> UInt32 { sel & 0x10 != 0 ? raw : raw % 4100 }

    func deliverRX(length: Int, seq: UInt32) {
        // The host's frame: a pattern that names the packet, so a misplaced copy shows.
        // SAFETY: bounds: length <= maxFrame (taken modulo maxFrame + 1), the size of `frame`.
        for i in 0..<length { frame.storeBytes(of: UInt8(truncatingIfNeeded: UInt32(i) &+ seq), toByteOffset: i, as: UInt8.self) }
        let d = Descriptor(length: UInt32(length), seq: seq, vmID: DeviceModelFuzzTarget.vmID, kind: .rxFrame)
        model.deliverRX(d, frame: frame, length: length, since: TSC.now())
        guard !setup.contains(.kvmCompletions) else { return }
        // The guest takes its completions at once, so the copy can be checked byte for byte.
        while let c = rings.completions.tryPop() {
            checkCompletion(c, delivered: c.kind == DescriptorKind.rxFrame.rawValue && c.seq == seq ? length : nil)
        }
    }

    // MARK: invariants

    /// Takes every command the model handed the host driver and checks it.
    func receiveCommands() {
        for c in hostDriver.commands { checkCommand(c) }
        commandsReceived += hostDriver.commands.count
        hostDriver.commands.removeAll(keepingCapacity: true)
    }

    func checkCommand(_ c: Descriptor) {
        let vmID = DeviceModelFuzzTarget.vmID
        if c.vmID != vmID { violate("command seq \(c.seq) carries VM-ID \(c.vmID), not the model's \(vmID)") }
        if c.length == 0 || Int(c.length) > GuestRings.bufferBytes {
            violate("command seq \(c.seq) has length \(c.length) (must be 1...\(GuestRings.bufferBytes))")
            return
        }
        let traced = !ringsTampered && c.seq >= 1 && Int(c.seq) <= pushedDescriptors.count
        let original = traced ? pushedDescriptors[Int(c.seq) - 1] : nil
        if let original, original.length != c.length {
            violate("command seq \(c.seq) has length \(c.length); the guest's descriptor said \(original.length)")
        }
        if setup.contains(.iommu) {
            if c.flags != DescriptorFlag.tagged { violate("IOMMU command seq \(c.seq) has flags \(c.flags), not tagged") }
            if IOMMU.vmID(ofTagged: c.addr) != vmID {
                violate("IOMMU command seq \(c.seq) is tagged for VM \(IOMMU.vmID(ofTagged: c.addr)), not \(vmID)")
            }
            if let original, IOMMU.gpa(ofTagged: c.addr) != original.addr {
                violate("IOMMU command seq \(c.seq) names GPA 0x\(String(IOMMU.gpa(ofTagged: c.addr), radix: 16)) but the guest's descriptor named 0x\(String(original.addr, radix: 16)) (the tag aliased an address outside the VM's window)")
            }
        } else {
            if c.flags != DescriptorFlag.hostAddress { violate("software command seq \(c.seq) has flags \(c.flags), not a host address") }
            let base = UInt64(UInt(bitPattern: memory.hostBase))
            guard c.addr >= base, c.addr - base < UInt64(memory.size),
                  let host = memory.hostAddress(gpa: c.addr - base, length: Int(c.length)),
                  UInt64(UInt(bitPattern: host)) == c.addr else {
                violate("software command seq \(c.seq) hands the host driver [0x\(String(c.addr, radix: 16)), +\(c.length)) outside the VM's memory or across a memslot end")
                return
            }
            if let original, c.addr - base != original.addr {
                violate("software command seq \(c.seq) points at GPA 0x\(String(c.addr - base, radix: 16)); the guest named 0x\(String(original.addr, radix: 16))")
            }
        }
    }

    func checkCompletion(_ c: Descriptor, delivered length: Int?) {
        // Anything else may be a zero or stale slot the guest made itself read by storing into
        // its own completion ring's producer index.
        guard c.kind == DescriptorKind.rxFrame.rawValue, !ringsTampered else { return }
        rxFramesCopied += 1
        guard let target = memory.hostAddress(gpa: c.addr, length: Int(c.length)) else {
            violate("RX completion seq \(c.seq) reports [0x\(String(c.addr, radix: 16)), +\(c.length)) outside guest memory")
            return
        }
        if let length {
            if Int(c.length) != length { violate("RX completion seq \(c.seq) reports \(c.length) bytes; the frame had \(length)") }
            let n = min(length, Int(c.length))
            // SAFETY: bounds: n <= c.length bytes checked by hostAddress, and n <= length <= maxFrame of `frame`.
            if !UnsafeRawBufferPointer(start: target, count: n).elementsEqual(UnsafeRawBufferPointer(start: frame, count: n)) {
                violate("RX frame seq \(c.seq) was not copied byte for byte into the guest's buffer")
            }
        }
    }

    func finish() {
        model.drainGuestTX()
        receiveCommands()
        if commandsReceived != model.commands {
            violate("the model counted \(model.commands) commands; the host driver received \(commandsReceived)")
        }
        if model.undefinedRegisterWrites != undefinedWrites {
            violate("the model counted \(model.undefinedRegisterWrites) undefined register writes; the guest made \(undefinedWrites)")
        }
        if model.undefinedRegisterReads != undefinedReads {
            violate("the model counted \(model.undefinedRegisterReads) undefined register reads; the guest made \(undefinedReads)")
        }
        if let failure = control.failureMessage, !failure.contains("could not take a completion") {
            violate("the run failed for a reason a guest must not cause: \(failure)")
        }
    }
}
