// The native path's components: the app (or a real program's pump), the host driver (its
// transmit routine on the app's thread) and the device.
struct NativeParts: PathParts {
    let device: PhysicalDevice
    let driver: NativeHostDriver
    /// The harness's own application (nil when a real program is the traffic).
    let app: NativeApp?
    /// The receiving application thread of a bidir run.
    var receiver: NativeApp? = nil
    /// A real program's sending context (nil for the harness's own traffic).
    var pump: TrafficPump? = nil

    var contributors: [any ResultContributor] {
        [device, driver] + ([app, receiver].compactMap { $0 } as [any ResultContributor]) + (pump.map { [$0] } ?? [])
    }
}
