// The native path carrying a real program's traffic: the program (a separate process in the
// station's namespace) -> the station kernel's TUN queue -> the pump thread running the host
// driver's transmit routine -> μCode -> air -> access point -> the peer's TUN (the server's
// kernel). Back: the peer's kernel -> its TUN -> the access point's wire watcher rings the device
// -> air -> μCode -> interrupt -> host driver -> the station's TUN (the program's kernel).
import CVWiFiShim
import Measurement
import Platform

/// The station's and the peer's TUN interfaces of a run whose traffic is a real program, made in
/// the run's namespaces by the executor, which also closes them (the pipeline does not).
struct TrafficInterfaces {
    let station: Int32
    let peer: Int32
}

extension Pipeline {
    static func assembleNativeProgram(_ config: PathConfig, interfaces: TrafficInterfaces) throws -> Pipeline {
        let p = Pipeline(config: config)
        let queues = try HostDeviceQueues(ringSize: config.ringSize, rxBuffers: config.ringSize)
        queues.postAllReceiveBuffers()
        let vms = VMTable()
        try vms.register(Stations.deviceState(vmID: 0))
        let wiring = queues.wiring(iommu: nil)
        let device = p.addDevice(wiring: wiring, vms: vms, stationVMID: 0)
        // The pump signals the device's doorbell too; the wire watcher has its own view of it.
        p.addPeerWire(peerTUN: interfaces.peer, device: device)
        let (pool, transmitter, driver) = p.nativeHostDriver(queues: queues, tun: interfaces.station)
        if let logs = EchoTimes.logs(for: config.traffic) { (transmitter.echoRequests, driver.echoReplies) = logs }
        let pump = TrafficPump(context: p.context(.app, "vw-xmit"), transmitter: transmitter)
        p.parts = NativeParts(device: device, driver: driver, app: nil, pump: pump)
        p.notifiers.append(pool.room)
        p.add("vw-hostdrv") { driver.run() }
        p.add("vw-xmit") { pump.run() }
        p.closers.append { queues.irq.channel.signal(1); pool.room.close() }
        p.interruptMechanism = "eventfd (MSI stand-in) to host driver; TUN interfaces to the program's kernel and the peer's"
        p.watched = [
            WatchedStage(label: "host driver", account: driver.account) {
                let n = driver.completionsWaiting
                return n > 0 ? "the μCode has \(n) completions queued for it" : nil
            },
            p.watchedDevice(device, from: "the pump (the host driver's transmit routine)"),
        ]
        return p
    }
}
