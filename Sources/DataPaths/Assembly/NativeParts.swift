// The native path's components: the app, the host driver (its transmit routine on the app's
// thread) and the device.
struct NativeParts: PathParts {
    let device: PhysicalDevice
    let driver: NativeHostDriver
    let app: NativeApp
    /// The receiving application thread of a bidir run.
    var receiver: NativeApp? = nil

    var contributors: [any ResultContributor] { [device, driver, app] + (receiver.map { [$0] } ?? []) }
}
