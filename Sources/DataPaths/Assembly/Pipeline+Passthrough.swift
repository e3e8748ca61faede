// The passthrough path: guest driver -> device register (no exit); IRQ -> hypervisor -> guest.
import CVWiFiShim
import Measurement
import Platform
import VMM

extension Pipeline {
    static func assemblePassthrough(_ config: PathConfig) throws -> Pipeline {
        let p = Pipeline(config: config)
        let vmID: UInt8 = 1
        let memory = try GuestMemory(size: guestMemoryBytes, vmID: vmID)
        let rings = try GuestRings(memory: memory, ringSize: config.ringSize, rxBuffers: config.ringSize)
        let iommu = IOMMU()
        iommu.attach(memory: memory)
        let wiring = DeviceWiring(txRing: rings.tx, doorbell: Notifier(), completions: rings.completions,
                                  rxFree: rings.rxFree, irq: try PhysicalInterrupt(), iommu: iommu, owner: .guest(vmID: vmID))
        let vms = VMTable()
        try vms.register(Stations.deviceState(vmID: vmID))
        let device = p.addDevice(wiring: wiring, vms: vms, stationVMID: vmID)
        let (guest, handler, _) = try p.addGuest(rings: rings, doorbell: DeviceRegisterDoorbell(device: wiring.doorbell), bus: MMIOBus(),
                       vmID: vmID)
        let forwarder = InterruptForwarder(context: p.context(.hypervisor, "vw-hv-irq"),
                                           irq: wiring.irq, line: guest.line)
        p.parts = PassthroughParts(device: device, threadGuest: guest, exitHandler: handler, forwarder: forwarder,
                                   iommu: iommu)
        p.add("vw-hv-irq") { forwarder.run() }
        p.closers.append { wiring.irq.channel.signal(1) }
        p.interruptMechanism = "eventfd to hypervisor, injected into the guest's interrupt line"
        p.watched = p.watchedGuest((guest, handler), label: "guest", completionsFrom: "the device")
            + [p.watchedDevice(device, from: "the guest")]
        return p
    }
}
