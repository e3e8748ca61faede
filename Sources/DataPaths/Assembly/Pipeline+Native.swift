// The native path: app -> send() (the kernel's UDP/IP stack, then the host driver's transmit
// routine, both on the app's thread) -> μCode; completions and received frames interrupt the
// host driver's thread, which hands received packets to the kernel through the TUN interface.
import CVWiFiShim
import Measurement
import Platform
import VMM

extension Pipeline {
    static func assembleNative(_ config: PathConfig) throws -> Pipeline {
        let p = Pipeline(config: config)
        let network = try KernelNetwork.create(peerPort: config.workload == .ping ? FrameFormat.echoPort
                                                                                  : FrameFormat.discardPort)
        // Closed with the sockets (the namespace goes with them); shutdown only wakes the socket.
        p.sockets += [network.socket, network.tun]
        let queues = try HostDeviceQueues(ringSize: config.ringSize, rxBuffers: config.ringSize)
        // Posted before any thread starts: the app's first send reaches the device without the
        // driver's thread, and an echo reply must find a buffer even if that thread is not up yet.
        queues.postAllReceiveBuffers()
        let vms = VMTable()
        try vms.register(Stations.deviceState(vmID: 0))
        let device = p.addDevice(wiring: queues.wiring(iommu: nil), vms: vms, stationVMID: 0)
        let (pool, transmitter, driver) = p.nativeHostDriver(queues: queues, tun: network.tun)
        let app = NativeApp(context: p.context(.app, "vw-app"), socket: network.socket,
                            transmitter: transmitter, expectedFrames: p.expectedFrames)
        // Both directions: a second application thread receives on the same socket.
        let receiver = config.workload == .udp && config.direction == .bidir
            ? NativeApp(context: p.context(.app, "vw-app-rx"), socket: network.socket, transmitter: transmitter,
                        expectedFrames: p.expectedFrames, role: .receive)
            : nil
        p.parts = NativeParts(device: device, driver: driver, app: app, receiver: receiver)
        p.notifiers.append(pool.room)
        p.add("vw-hostdrv") { driver.run() }
        p.add("vw-app") { app.run() }
        if let receiver { p.add("vw-app-rx") { receiver.run() } }
        p.closers.append { queues.irq.channel.signal(1); pool.room.close() }
        p.interruptMechanism = "eventfd (MSI stand-in) to host driver; RX through a TUN interface into the kernel"
        p.watched = [
            WatchedStage(label: receiver == nil ? "app" : "app (receiver)", account: (receiver ?? app).account) {
                app.dataWaiting ? "the kernel has received data waiting on its socket" : nil
            },
            WatchedStage(label: "host driver", account: driver.account) {
                let n = driver.completionsWaiting
                return n > 0 ? "the μCode has \(n) completions queued for it" : nil
            },
            p.watchedDevice(device, from: "the app (the host driver's transmit routine)"),
        ]
        if receiver != nil { p.watched.insert(WatchedStage(label: "app", account: app.account) { nil }, at: 0) }
        return p
    }
}

extension Pipeline {
    /// The native host driver on `tun`: its TX buffers, its transmit routine (run by whoever
    /// sends) and its interrupt-context thread's component.
    func nativeHostDriver(queues: HostDeviceQueues, tun: Int32)
        -> (TXBufferPool, NativeTransmitRoutine, NativeHostDriver) {
        let pool = TXBufferPool(count: config.ringSize)
        let transmitter = NativeTransmitRoutine(tun: tun, device: queues, pool: pool,
                                                station: Stations.station(vmID: 0), peer: Stations.peer,
                                                bssid: Stations.bssid)
        let driver = NativeHostDriver(context: context(.hostDriver, "vw-hostdrv"), device: queues,
                                      tun: tun, transmitter: transmitter)
        return (pool, transmitter, driver)
    }
}
