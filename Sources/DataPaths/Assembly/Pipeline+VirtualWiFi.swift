// The vwifi path: guest -> trap -> device model -> system call, in which the augmented host
// driver's command handling runs on the device model's thread -> the VM's device TX queue ->
// μCode; completions and RX frames: μCode -> host driver (interrupt context) -> device model.
import CVWiFiShim
import Measurement
import Platform
import VMM

extension Pipeline {
    /// `interfaces`: a real program's traffic (KVM only, one VM: the guest program's carry mode).
    static func assembleVirtualWiFi(_ config: PathConfig, kvm: Bool, interfaces: TrafficInterfaces? = nil) throws -> Pipeline {
        let p = Pipeline(config: config)
        let count = max(1, config.vms)
        // One device TX queue per VM: each device model's thread is its queue's only producer.
        let queues = try HostDeviceQueues(ringSize: config.ringSize, rxBuffers: config.ringSize, txQueueCount: count)
        // Posted before any thread starts (as the driver does when the interface comes up): commands
        // reach the device in the device models' system calls, without the driver's thread, so an
        // echo reply must find a buffer even if that thread is not up yet.
        queues.postAllReceiveBuffers()
        p.notifiers += queues.doorbells.dropFirst()
        // One IOMMU for the device: every VM's memory attached under its own VM-ID window.
        let iommu: IOMMU? = config.translation == .iommu ? IOMMU() : nil
        let vms = VMTable()
        for index in 0..<count { try vms.register(Stations.deviceState(vmID: UInt8(index + 1))) }
        let device = p.addDevice(wiring: queues.wiring(iommu: iommu), vms: vms, stationVMID: 1, senders: count)
        var ports: [CommandPort] = []
        var machines: [VirtualMachine] = []
        for index in 0..<count {
            let (machine, port) = try p.addVirtualMachine(vmID: UInt8(index + 1), index: index, kvm: kvm, iommu: iommu,
                                                          device: queues)
            machines.append(machine)
            ports.append(port)
        }
        let driver = AugmentedHostDriver(context: p.context(.hostDriver, "vw-hostdrv"), device: queues, ports: ports)
        var stack: GuestStack? = nil
        if let interfaces {
            guard let guest = machines.first?.kvmGuest, count == 1 else {
                throw PipelineError.setup("a real program's traffic on vwifi needs one VM on the kvm backend")
            }
            stack = try p.carryProgram(interfaces, guest: guest, device: device)
        }
        p.parts = VirtualWiFiParts(device: device, machines: machines, iommu: iommu, driver: driver, stack: stack)
        p.add("vw-hostdrv") { driver.run() }
        p.closers.append { queues.irq.channel.signal(1) }
        p.interruptMechanism = "eventfd to host driver (interrupt context); device model injects into the guest's interrupt line"
        if let guest = machines.first?.kvmGuest {
            p.interruptMechanism = "eventfd to host driver (interrupt context); device model raises the KVM vCPU's line (\(guest.line.mechanism.rawValue))"
        }
        // The watchdog's order: each VM's guest, exit handler and device model (the host
        // driver's command handling runs on the model's thread, in its system call), then the
        // shared host driver's interrupt context and the μCode.
        for machine in machines {
            let vm = count > 1 ? " (VM \(machine.vmID))" : ""
            if let guest = machine.guest, let handler = machine.exitHandler {
                p.watched += p.watchedGuest((guest, handler), label: "guest" + vm,
                                            completionsFrom: "device model" + vm)
            } else if let guest = machine.kvmGuest {
                p.watched.append(WatchedStage(label: "guest" + vm, account: guest.account) { nil })
            }
            let model = machine.model
            p.watched.append(WatchedStage(label: "device model" + vm, account: model.account) {
                let n = model.descriptorsWaiting
                if n > 0 { return "guest\(vm) has \(n) descriptors queued for it" }
                return model.hostMessagesWaiting ? "the host driver's interrupt context has completions waiting on its socket" : nil
            })
        }
        p.watched.append(WatchedStage(label: "host driver (interrupt context)", account: driver.account) {
            let n = driver.completionsWaiting
            return n > 0 ? "the μCode has \(n) completions queued for it" : nil
        })
        p.watched.append(p.watchedDevice(device, from: "the device model\(count > 1 ? "s" : "") (the host driver's command handling in \(count > 1 ? "their" : "its") system call)"))
        return p
    }

    /// One VM of the vwifi path: its memory, rings, translation, device model and guest (with
    /// its exit handler, or a KVM vCPU), and its command port on the host driver (device TX
    /// queue `index`). Returns the VM and the port.
    func addVirtualMachine(vmID: UInt8, index: Int, kvm: Bool, iommu: IOMMU?,
                           device: HostDeviceQueues) throws -> (VirtualMachine, CommandPort) {
        let suffix = index == 0 ? "" : "\(index + 1)"
        let memory = try GuestMemory(size: Pipeline.guestMemoryBytes, vmID: vmID)
        if kvm {
            // The VMM's own structures (page tables, GDT, mailbox, code, stamps) live in the first
            // 2 MiB of guest RAM (VMM.GuestLayout); rings and buffers go above.
            let reserved = try memory.allocate(bytes: Int(GuestLayout.reservedSize), alignment: 4096)
            guard reserved == 0 else { throw PipelineError.setup("the VMM's reserved region must start at GPA 0") }
        }
        let rings = try GuestRings(memory: memory, ringSize: config.ringSize, rxBuffers: config.ringSize)
        var translator: SoftwareTranslator? = nil
        if let iommu {
            iommu.attach(memory: memory)
        } else {
            translator = try SoftwareTranslator(memory: memory, pageTable: GuestPageTable(memory: memory),
                                                pagemap: config.pagemap)
        }
        let (modelSide, driverSide) = try socketPair()
        // The host driver's command handling on the model's thread: an account of its own,
        // charged as kernel work in the caller's context and taken out of the model's CPU.
        let modelContext = context(.deviceModel, "vw-devmodel" + suffix)
        let portAccount = ThreadAccount(component: .hostDriver, name: modelContext.account.name + ":hostdrv",
                                        stampCapacity: modelContext.account.stamps.capacity,
                                        stampsEnabled: config.stamps, events: [])
        portAccount.cpuShare = .callerContext
        modelContext.account.hosting = portAccount
        accounts.append(portAccount)
        let port = try CommandPort(vm: AttachedVM(vmID: vmID, socket: driverSide, mac: Stations.station(vmID: vmID)),
                                   queueIndex: index, device: device, account: portAccount)
        let model: DeviceModel
        var parts: (ThreadGuest, ExitHandler, ThreadTrap)? = nil
        var kvmGuest: KVMGuest? = nil
        if kvm {
            let completionIndex = try memory.allocate(bytes: 64, alignment: 64)
            let sink = KVMInterruptSink()
            let seqBase = UInt32(index * expectedFrames)
            model = try DeviceModel(context: modelContext, vmID: vmID, rings: rings,
                                    completions: TXStatusSink(ring: rings.tx, memory: memory, indexGPA: completionIndex,
                                                             rxCompletions: rings.completions, seqBase: seqBase),
                                    translator: translator, socket: modelSide, hostDriver: port, line: sink,
                                    doorbellCarriesTail: config.doorbell == .exit, stampsGuestPublication: true)
            let guest = try addKVMGuest(memory: memory, rings: rings, completionIndexGPA: completionIndex, model: model,
                                        vmID: vmID, seqBase: seqBase, senders: max(1, config.vms), suffix: suffix)
            guest.connect(sink)
            kvmGuest = guest
        } else {
            let line = ThreadInterruptLine()
            // A thread-trap guest's ioeventfd doorbell: the write signals the device model's
            // eventfd straight from the guest thread, with no exit handler in between.
            let ioeventfd = config.doorbell == .ioeventfd
            model = try DeviceModel(context: modelContext, vmID: vmID, rings: rings,
                                    completions: CompletionRingSink(rings: rings), translator: translator,
                                    socket: modelSide, hostDriver: port, line: line, doorbellCarriesTail: !ioeventfd)
            let bus = MMIOBus()
            try bus.insert(model, base: DeviceModel.mmioBase, length: DeviceModel.mmioLength)
            parts = try addGuest(rings: rings, doorbell: ioeventfd ? EventFDDoorbell(kick: model.kick) : nil,
                                 bus: bus, vmID: vmID, line: line, vmIndex: index)
            if ioeventfd { trapReason = "doorbell ioeventfd on the thread trap: the guest thread signals the device model's eventfd directly (no exit handler)" }
        }
        let machine = VirtualMachine(vmID: vmID, memory: memory, rings: rings, model: model, translator: translator,
                                     guest: parts?.0, trap: parts?.2, exitHandler: parts?.1, kvmGuest: kvmGuest)
        add("vw-devmodel" + suffix) { model.run() }
        closers.append { model.kick.signal(1) }
        return (machine, port)
    }
}
