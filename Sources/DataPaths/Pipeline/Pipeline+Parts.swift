// The components the executor's seams (tests, the watchdog) look at, as the path's parts give them.
extension Pipeline {
    var device: PhysicalDevice? { parts?.device }
    var guest: ThreadGuest? { parts?.guest }
    var deviceModel: DeviceModel? { parts?.deviceModel }
    var kvmGuest: KVMGuest? { parts?.kvmGuest }
    var augmentedDriver: AugmentedHostDriver? { parts?.augmentedDriver }
    var machines: [VirtualMachine] { parts?.machines ?? [] }
}
