// The passthrough path: guest driver -> device register (no exit); IRQ -> hypervisor -> guest.
import CVWiFiShim
import Measurement
import Platform
import VMM

extension Pipeline {
    /// `interfaces`: a real program's traffic (KVM only: the guest program's carry mode).
    static func assemblePassthrough(_ config: PathConfig, kvm: Bool, interfaces: TrafficInterfaces? = nil) throws -> Pipeline {
        let p = Pipeline(config: config)
        let vmID: UInt8 = 1
        let memory = try GuestMemory(size: guestMemoryBytes, vmID: vmID)
        if kvm {
            // The VMM's own structures live in the first 2 MiB of guest RAM (VMM.GuestLayout).
            let reserved = try memory.allocate(bytes: Int(GuestLayout.reservedSize), alignment: 4096)
            guard reserved == 0 else { throw PipelineError.setup("the VMM's reserved region must start at GPA 0") }
        }
        let rings = try GuestRings(memory: memory, ringSize: config.ringSize, rxBuffers: config.ringSize)
        let iommu = IOMMU()
        iommu.attach(memory: memory)
        let registers = DeviceRegisterPage()
        var wiring = DeviceWiring(txRing: rings.tx, doorbell: Notifier(), completions: rings.completions,
                                  rxFree: rings.rxFree, irq: try PhysicalInterrupt(), iommu: iommu, owner: .guest(vmID: vmID),
                                  registers: registers)
        let vms = VMTable()
        try vms.register(Stations.deviceState(vmID: vmID))
        let line: VirtualInterruptSink
        var threadParts: (ThreadGuest, ExitHandler)? = nil
        var vcpu: KVMGuest? = nil
        var stack: GuestStack? = nil
        let device: PhysicalDevice
        if kvm {
            // The device writes completions in the guest program's format (TX: descriptor status
            // and completion index; RX: rxFrame descriptors on the completion ring) and, since
            // nothing tells it of a doorbell store, samples its register.
            let completionIndex = try memory.allocate(bytes: 64, alignment: 64)
            wiring.guestCompletions = try TXStatusSink(ring: rings.tx, memory: memory, indexGPA: completionIndex,
                                                       rxCompletions: rings.completions)
            wiring.samplesDoorbell = true
            device = p.addDevice(wiring: wiring, vms: vms, stationVMID: vmID)
            let guest = try p.addKVMGuest(memory: memory, rings: rings, completionIndexGPA: completionIndex, model: nil, vmID: vmID)
            try guest.mapDeviceRegisters(registers)
            guest.doorbellStampRecorder = device.account
            let sink = KVMInterruptSink()
            guest.connect(sink)
            line = sink
            vcpu = guest
            if let interfaces { stack = try p.carryProgram(interfaces, guest: guest, device: device) }
        } else {
            device = p.addDevice(wiring: wiring, vms: vms, stationVMID: vmID)
            let (guest, handler, _) = try p.addGuest(rings: rings, doorbell: DeviceRegisterDoorbell(device: wiring.doorbell, registers: registers),
                                                     bus: MMIOBus(), vmID: vmID)
            line = guest.line
            threadParts = (guest, handler)
        }
        // The physical interrupt goes to the hypervisor's own context (the host kernel's VFIO
        // interrupt handler), which injects it into the guest.
        let forwarder = InterruptForwarder(context: p.context(.hypervisor, "vw-hv-irq"), irq: wiring.irq, line: line)
        p.parts = PassthroughParts(device: device, threadGuest: threadParts?.0, exitHandler: threadParts?.1, vcpu: vcpu,
                                   forwarder: forwarder, iommu: iommu, stack: stack)
        p.add("vw-hv-irq") { forwarder.run() }
        p.closers.append { wiring.irq.channel.signal(1) }
        if let vcpu {
            p.interruptMechanism = "eventfd to hypervisor, injected into the KVM vCPU (\(vcpu.line.mechanism.rawValue))"
            p.watched.append(WatchedStage(label: "guest", account: vcpu.account) { nil })
        } else if let threadParts {
            p.interruptMechanism = "eventfd to hypervisor, injected into the guest's interrupt line"
            p.watched = p.watchedGuest(threadParts, label: "guest", completionsFrom: "the device")
        }
        p.watched.append(p.watchedDevice(device, from: "the guest"))
        return p
    }
}
