// The native path: app -> (system call) -> host driver -> μCode.
import CVWiFiShim
import Measurement
import Platform
import VMM

extension Pipeline {
    static func assembleNative(_ config: PathConfig) throws -> Pipeline {
        let p = Pipeline(config: config)
        let queues = try HostDeviceQueues(ringSize: config.ringSize, rxBuffers: config.ringSize)
        let (appSide, kernelSide) = try p.socketPair()
        let vms = VMTable()
        try vms.register(Stations.deviceState(vmID: 0))
        p.addDevice(wiring: queues.wiring(iommu: nil), vms: vms, stationVMID: 0)
        let driver = NativeHostDriver(context: p.context(.hostDriver, "vw-hostdrv"), device: queues, socket: kernelSide,
                                      station: Stations.station(vmID: 0), peer: Stations.peer, bssid: Stations.bssid)
        let app = NativeApp(context: p.context(.app, "vw-app"),
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
            p.watchedDevice(from: "the host driver"),
        ]
        return p
    }
}
