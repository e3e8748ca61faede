// Builds each data path from its components: which threads, which rings between them, which
// kernel mechanism wakes whom.
import CVWiFiShim
import Measurement
import Platform
import VMM

extension Pipeline {
    static let guestMemoryBytes = 64 << 20

    /// `interfaces`: the run's TUN interfaces when a real program is the traffic.
    static func assemble(_ config: PathConfig, interfaces: TrafficInterfaces? = nil) throws -> Pipeline {
        let trap = try TrapBackendDecision.decide(config)
        CRC32.prepare()   // lazily built tables allocate: never inside a measured region
        let p: Pipeline
        switch config.path {
        case .native:
            if let interfaces { p = try assembleNativeProgram(config, interfaces: interfaces) } else { p = try assembleNative(config) }
        case .passthrough: p = try assemblePassthrough(config, kvm: trap.backend == .kvm, interfaces: interfaces)
        case .vwifi: p = try assembleVirtualWiFi(config, kvm: trap.backend == .kvm, interfaces: interfaces)
        }
        p.trapReason = [trap.reason, p.trapReason].filter { !$0.isEmpty }.joined(separator: "; ")
        return p
    }

    func socketPair() throws -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        try SystemCall.check("socketpair(AF_UNIX, SOCK_SEQPACKET)",
                             fds.withUnsafeMutableBufferPointer { vw_seqpacket_pair($0.baseAddress) }, as: PipelineError.system)
        sockets.append(contentsOf: fds)
        return (fds[0], fds[1])
    }

    func addDevice(wiring: DeviceWiring, vms: VMTable, stationVMID: UInt8, senders: Int = 1) -> PhysicalDevice {
        let ucode = PhysicalDevice(context: context(.device, "vw-ucode"),
                              wiring: wiring, vms: vms, station: Stations.station(vmID: stationVMID),
                              bssid: Stations.bssid, stationVMID: stationVMID, expectedFrames: expectedFrames,
                              senders: senders, seqStride: UInt32(expectedFrames))
        notifiers.append(wiring.doorbell)
        add("vw-ucode") { ucode.run() }
        closers.append { wiring.doorbell.close() }
        return ucode
    }

    /// The guest thread and the hypervisor's exit handler (which also owns the VM's timer).
    @discardableResult
    func addGuest(rings: GuestRings, doorbell: GuestDoorbell?, bus: MMIOBus, vmID: UInt8,
                          trap existing: ThreadTrap? = nil, line existingLine: ThreadInterruptLine? = nil,
                          vmIndex: Int = 0) throws -> (ThreadGuest, ExitHandler, ThreadTrap) {
        let line = existingLine ?? ThreadInterruptLine()
        let suffix = vmIndex == 0 ? "" : "\(vmIndex + 1)"
        let trap = existing ?? ThreadTrap(control: control)
        let timer = VMTimer()
        try bus.insert(timer, base: VMTimer.base, length: VMTimer.length)
        let guest = try ThreadGuest(context: context(.guest, "vw-guest" + suffix), rings: rings, line: line,
                                    doorbell: doorbell ?? TrappingDoorbell(trap: trap),
                                    station: Stations.station(vmID: vmID), peer: Stations.peer,
                                    bssid: Stations.bssid, expectedFrames: expectedFrames, timerTrap: trap,
                                    seqBase: UInt32(vmIndex * expectedFrames), senders: config.vms)
        let handler = ExitHandler(context: context(.hypervisor, "vw-hv-exit" + suffix), trap: trap,
                                  bus: bus, timer: timer, line: line,
                                  expectedExits: min(1 << 20, expectedFrames * 2 + 100_000))
        notifiers += [trap.request, trap.resume, line.notifier]
        trapBackendName = "thread"
        add("vw-guest" + suffix) { guest.run() }
        add("vw-hv-exit" + suffix) { handler.run() }
        closers.append { trap.close(); line.close() }
        return (guest, handler, trap)
    }

    /// The watchdog's view of a thread-trap guest and its exit handler.
    func watchedGuest(_ parts: (ThreadGuest, ExitHandler), label: String,
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

    func watchedDevice(_ ucode: PhysicalDevice, from upstream: String) -> WatchedStage {
        return WatchedStage(label: "μCode", account: ucode.account) {
            let n = ucode.descriptorsWaiting
            return n > 0 ? "\(upstream) has \(n) descriptors queued for it" : nil
        }
    }
}
