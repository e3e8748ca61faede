// Builds each data path from its components: which threads, which rings between them, which
// kernel mechanism wakes whom.
import CVWiFiShim
import Measurement
import Platform
import VMM

/// Addresses of the one station (a VM's virtual MAC, or the host's), its BSS and the wired peer.
enum Stations {
    static let bssid = MACAddress(0x02, 0x00, 0x00, 0x00, 0xAA, 0x01)
    static let peer = MACAddress(0x02, 0x00, 0x00, 0x00, 0xFF, 0x01)
    static func station(vmID: UInt8) -> MACAddress { MACAddress(0x02, 0x00, 0x00, 0x00, 0x00, vmID) }

    static func deviceState(vmID: UInt8) -> VMDeviceState {
        VMDeviceState(vmID: vmID, mac: station(vmID: vmID), bssid: bssid, channel: 6,
                      key: (0..<16).map { UInt8($0) &* 17 &+ vmID },
                      rateTable: [6, 9, 12, 18, 24, 36, 48, 54], txPowerTable: [15, 15, 15, 15, 14, 13, 12, 12])
    }
}

extension Pipeline {
    static let guestMemoryBytes = 64 << 20

    static func assemble(_ config: PathConfig) throws -> Pipeline {
        let trap = try TrapBackendDecision.decide(config)
        CRC32.prepare()   // lazily built tables allocate: never inside a measured region
        let p: Pipeline
        switch config.path {
        case .native: p = try assembleNative(config)
        case .passthrough: p = try assemblePassthrough(config)
        case .vwifi: p = try assembleVirtualWiFi(config, kvm: trap.backend == .kvm)
        }
        p.trapReason = [trap.reason, p.trapReason].filter { !$0.isEmpty }.joined(separator: "; ")
        return p
    }

    private func socketPair() throws -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        let r = fds.withUnsafeMutableBufferPointer { vw_seqpacket_pair($0.baseAddress) }
        guard r == 0 else { throw PipelineError.setup("socketpair failed: errno \(-r)") }
        sockets.append(contentsOf: fds)
        return (fds[0], fds[1])
    }

    private func addDevice(wiring: DeviceWiring, vms: VMTable, stationVMID: UInt8, senders: Int = 1) {
        let ucode = MicroCode(config: config, account: account(.device, "vw-ucode"), control: control, tally: tally,
                              wiring: wiring, vms: vms, station: Stations.station(vmID: stationVMID),
                              bssid: Stations.bssid, stationVMID: stationVMID, expectedFrames: expectedFrames,
                              senders: senders, seqStride: UInt32(expectedFrames))
        device = ucode
        notifiers.append(wiring.doorbell)
        add("vw-ucode") { ucode.run() }
        closers.append { wiring.doorbell.close() }
    }

    // MARK: native: app -> (system call) -> host driver -> μCode

    private static func assembleNative(_ config: PathConfig) throws -> Pipeline {
        let p = Pipeline(config: config)
        let queues = try HostDeviceQueues(ringSize: config.ringSize, rxBuffers: config.ringSize)
        let (appSide, kernelSide) = try p.socketPair()
        let vms = VMTable()
        try vms.register(Stations.deviceState(vmID: 0))
        p.addDevice(wiring: queues.wiring(iommu: nil), vms: vms, stationVMID: 0)
        let driver = NativeHostDriver(config: config, account: p.account(.host_driver, "vw-hostdrv"),
                                      control: p.control, tally: p.tally, device: queues, socket: kernelSide,
                                      station: Stations.station(vmID: 0), peer: Stations.peer, bssid: Stations.bssid)
        let app = NativeApp(config: config, account: p.account(.app, "vw-app"), control: p.control, tally: p.tally,
                            socket: appSide, expectedFrames: p.expectedFrames)
        p.nativeDriver = driver
        p.app = app
        p.add("vw-hostdrv") { driver.run() }
        p.add("vw-app") { app.run() }
        p.closers.append { queues.irq.channel.signal(1) }
        p.interruptMechanism = "eventfd (MSI stand-in) to host driver"
        p.watched = [
            WatchedStage(label: "app", account: app.account) {
                app.dataWaiting ? "the host driver has received data waiting on its socket" : nil
            },
            WatchedStage(label: "host driver", account: driver.account) {
                if driver.completionsWaiting > 0 { return "the μCode has \(driver.completionsWaiting) completions queued for it" }
                return driver.applicationDataWaiting ? "the app has data waiting on its socket" : nil
            },
            p.watchedMicroCode(from: "the host driver"),
        ]
        return p
    }

    // MARK: passthrough: guest driver -> device register (no exit); IRQ -> hypervisor -> guest

    private static func assemblePassthrough(_ config: PathConfig) throws -> Pipeline {
        let p = Pipeline(config: config)
        let vmID: UInt8 = 1
        let memory = try GuestMemory(size: guestMemoryBytes, vmID: vmID)
        let rings = try GuestRings(memory: memory, ringSize: config.ringSize, rxBuffers: config.ringSize)
        let iommu = IOMMU()
        iommu.attach(memory: memory)
        p.iommu = iommu
        let wiring = DeviceWiring(txRing: rings.tx, doorbell: Notifier(), completions: rings.completions,
                                  rxFree: rings.rxFree, irq: try PhysicalInterrupt(), iommu: iommu, owner: .guest(vmID: vmID))
        let vms = VMTable()
        try vms.register(Stations.deviceState(vmID: vmID))
        p.addDevice(wiring: wiring, vms: vms, stationVMID: vmID)
        try p.addGuest(rings: rings, doorbell: DeviceRegisterDoorbell(device: wiring.doorbell), routes: TrapRoutes(),
                       vmID: vmID)
        let forwarder = InterruptForwarder(account: p.account(.hypervisor, "vw-hv-irq"), control: p.control,
                                           irq: wiring.irq, line: p.guestLine!)
        p.forwarder = forwarder
        p.add("vw-hv-irq") { forwarder.run() }
        p.closers.append { wiring.irq.channel.signal(1) }
        p.interruptMechanism = "eventfd to hypervisor, injected into the guest's interrupt line"
        p.watched = p.watchedGuest(p.machineGuest!, label: "guest", completionsFrom: "the device")
            + [p.watchedMicroCode(from: "the guest")]
        return p
    }

    /// The guest thread and the hypervisor's exit handler (which also owns the VM's timer).
    @discardableResult
    private func addGuest(rings: GuestRings, doorbell: GuestDoorbell?, routes: TrapRoutes, vmID: UInt8,
                          trap existing: ThreadTrap? = nil, line existingLine: GuestInterruptLine? = nil,
                          vmIndex: Int = 0) throws -> (GuestDriver, ExitHandler, ThreadTrap) {
        let line = existingLine ?? GuestInterruptLine()
        let suffix = vmIndex == 0 ? "" : "\(vmIndex + 1)"
        if vmIndex == 0 { guestLine = line }
        let trap = existing ?? ThreadTrap(control: control)
        let timer = VMTimer()
        var allRoutes = routes
        allRoutes.add(base: VMTimer.base, length: VMTimer.length, device: timer)
        let guest = try GuestDriver(config: config, account: account(.guest, "vw-guest" + suffix), control: control,
                                    tally: tally, rings: rings, line: line,
                                    doorbell: doorbell ?? TrappingDoorbell(trap: trap),
                                    station: Stations.station(vmID: vmID), peer: Stations.peer,
                                    bssid: Stations.bssid, expectedFrames: expectedFrames, timerTrap: trap,
                                    seqBase: UInt32(vmIndex * expectedFrames), senders: config.vms)
        let handler = ExitHandler(account: account(.hypervisor, "vw-hv-exit" + suffix), control: control, trap: trap,
                                  routes: allRoutes, timer: timer, line: line,
                                  expectedExits: min(1 << 20, expectedFrames * 2 + 100_000))
        if vmIndex == 0 {
            self.guest = guest
            exitHandler = handler
        }
        notifiers += [trap.request, trap.resume, line.notifier]
        trapBackendName = "thread"
        add("vw-guest" + suffix) { guest.run() }
        add("vw-hv-exit" + suffix) { handler.run() }
        closers.append { trap.close(); line.close() }
        return (guest, handler, trap)
    }

    /// The first VM's thread-trap guest and exit handler (passthrough and vwifi).
    fileprivate var machineGuest: (GuestDriver, ExitHandler)? {
        guard let g = guest, let h = exitHandler else { return nil }
        return (g, h)
    }

    /// The watchdog's view of a thread-trap guest and its exit handler.
    fileprivate func watchedGuest(_ parts: (GuestDriver, ExitHandler), label: String,
                                  completionsFrom upstream: String) -> [WatchedStage] {
        let (guest, handler) = parts
        let vm = label.dropFirst("guest".count)
        return [
            WatchedStage(label: label, account: guest.account) {
                let n = guest.completionsWaiting
                return n > 0 ? "\(upstream) has \(n) completions queued for it" : nil
            },
            WatchedStage(label: "exit handler" + vm, account: handler.account) {
                handler.exitWaiting ? "\(label) has a trapped access waiting for it" : nil
            },
        ]
    }

    fileprivate func watchedMicroCode(from upstream: String) -> WatchedStage {
        let ucode = device!
        return WatchedStage(label: "μCode", account: ucode.account) {
            let n = ucode.descriptorsWaiting
            return n > 0 ? "\(upstream) has \(n) descriptors queued for it" : nil
        }
    }

    // MARK: vwifi: guest -> trap -> device model -> (system call) -> augmented host driver -> μCode

    private static func assembleVirtualWiFi(_ config: PathConfig, kvm: Bool) throws -> Pipeline {
        let p = Pipeline(config: config)
        let count = max(1, config.vms)
        let queues = try HostDeviceQueues(ringSize: config.ringSize, rxBuffers: config.ringSize)
        // One IOMMU for the device: every VM's memory attached under its own VM-ID window.
        let iommu: IOMMU? = config.translation == .iommu ? IOMMU() : nil
        p.iommu = iommu
        let vms = VMTable()
        for index in 0..<count { try vms.register(Stations.deviceState(vmID: UInt8(index + 1))) }
        p.addDevice(wiring: queues.wiring(iommu: iommu), vms: vms, stationVMID: 1, senders: count)
        var attached: [AttachedVM] = []
        for index in 0..<count {
            let vmID = UInt8(index + 1)
            let driverSide = try p.addVirtualMachine(vmID: vmID, index: index, kvm: kvm, iommu: iommu)
            attached.append(AttachedVM(vmID: vmID, socket: driverSide, mac: Stations.station(vmID: vmID)))
        }
        let driver = AugmentedHostDriver(account: p.account(.host_driver, "vw-hostdrv"), control: p.control,
                                         tally: p.tally, device: queues, vms: attached)
        p.augmentedDriver = driver
        p.add("vw-hostdrv") { driver.run() }
        p.closers.append { queues.irq.channel.signal(1) }
        p.interruptMechanism = "eventfd to host driver; device model injects into the guest's interrupt line"
        if let guest = p.kvmGuest {
            p.interruptMechanism = "eventfd to host driver; device model raises the KVM vCPU's line (\(guest.line.mechanism.rawValue))"
        }
        // The watchdog's order: each VM's guest, exit handler and device model, then the shared
        // host driver and μCode.
        for machine in p.machines {
            let vm = count > 1 ? " (VM \(machine.vmID))" : ""
            if let guest = machine.guest, let handler = machine.exitHandler {
                p.watched += p.watchedGuest((guest, handler), label: "guest" + vm,
                                            completionsFrom: "device model" + vm)
            } else if let guest = p.kvmGuest {
                p.watched.append(WatchedStage(label: "guest", account: guest.account) { nil })
            }
            let model = machine.model
            p.watched.append(WatchedStage(label: "device model" + vm, account: model.account) {
                let n = model.descriptorsWaiting
                if n > 0 { return "guest\(vm) has \(n) descriptors queued for it" }
                return model.hostMessagesWaiting ? "the host driver has completions waiting on its socket" : nil
            })
        }
        p.watched.append(WatchedStage(label: "host driver", account: driver.account) {
            let n = driver.completionsWaiting
            if n > 0 { return "the μCode has \(n) completions queued for it" }
            return driver.commandsWaitingFrom.map { "device model\(count > 1 ? " (VM \($0))" : "") has commands waiting on its socket" }
        })
        p.watched.append(p.watchedMicroCode(from: "the host driver"))
        return p
    }

    /// One VM of the vwifi path: its memory, rings, translation, device model and guest (with
    /// its exit handler, or a KVM vCPU). Returns the host driver's end of its socket.
    private func addVirtualMachine(vmID: UInt8, index: Int, kvm: Bool, iommu: IOMMU?) throws -> Int32 {
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
        if index == 0 { self.translator = translator }
        let (modelSide, driverSide) = try socketPair()
        let model: DeviceModel
        var parts: (GuestDriver, ExitHandler, ThreadTrap)? = nil
        if kvm {
            let completionIndex = try memory.allocate(bytes: 64, alignment: 64)
            let sink = KVMInterruptSink()
            model = try DeviceModel(config: config, account: account(.device_model, "vw-devmodel"),
                                    control: control, tally: tally, vmID: vmID, rings: rings,
                                    completions: TXStatusSink(ring: rings.tx, memory: memory, indexGPA: completionIndex),
                                    translator: translator, socket: modelSide, line: sink,
                                    doorbellCarriesTail: config.doorbell == .exit, stampsGuestPublication: true)
            let guestAccount = account(.guest, KVMGuest.threadName)
            guestAccount.cpuShare = .guestMode
            let hypervisorAccount = ThreadAccount(component: .hypervisor, name: KVMGuest.threadName + ":kvm",
                                                  stampCapacity: guestAccount.stamps.capacity,
                                                  stampsEnabled: config.stamps, events: [])
            hypervisorAccount.cpuShare = .hostMode
            accounts.append(hypervisorAccount)
            let guest = try KVMGuest(config: config, account: guestAccount, hypervisor: hypervisorAccount,
                                     control: control, tally: tally, memory: memory, rings: rings,
                                     completionIndexGPA: completionIndex, model: model, vmID: vmID,
                                     station: Stations.station(vmID: vmID), peer: Stations.peer, bssid: Stations.bssid)
            sink.line = guest.line
            kvmGuest = guest
            trapBackendName = "kvm"
            add(KVMGuest.threadName) { guest.run() }
            closers.append { guest.line.requestStop() }
        } else {
            let line = GuestInterruptLine()
            // A thread-trap guest's ioeventfd doorbell: the write signals the device model's
            // eventfd straight from the guest thread, with no exit handler in between.
            let ioeventfd = config.doorbell == .ioeventfd
            model = try DeviceModel(config: config, account: account(.device_model, "vw-devmodel" + suffix),
                                    control: control, tally: tally, vmID: vmID, rings: rings,
                                    completions: CompletionRingSink(rings: rings), translator: translator,
                                    socket: modelSide, line: line, doorbellCarriesTail: !ioeventfd)
            var routes = TrapRoutes()
            routes.add(base: DeviceModel.mmioBase, length: DeviceModel.mmioLength, device: model)
            parts = try addGuest(rings: rings, doorbell: ioeventfd ? EventFDDoorbell(kick: model.kick) : nil,
                                 routes: routes, vmID: vmID, line: line, vmIndex: index)
            if ioeventfd { trapReason = "doorbell ioeventfd on the thread trap: the guest thread signals the device model's eventfd directly (no exit handler)" }
        }
        if index == 0 { deviceModel = model }
        machines.append(VirtualMachine(vmID: vmID, memory: memory, rings: rings, model: model, translator: translator,
                                       guest: parts?.0,
                                       trap: parts?.2, exitHandler: parts?.1))
        add("vw-devmodel" + suffix) { model.run() }
        closers.append { model.kick.signal(1) }
        return driverSide
    }
}
