// What this machine can measure, and why not where it cannot: the `doctor` report.
import Measurement

public struct MachineReport: Codable, Sendable {
    public var cpu: CPUSection
    public var kernel: KernelSection
    public var tsc: TSCClock
    public var counters: [CounterAvailability]
    public var permissions: PermissionsSection
    public var numa: NumaSection
    public var kvm: KVMSection
    public var network: NetworkSection
    public var tools: ToolsSection

    public init(cpu: CPUSection, kernel: KernelSection, tsc: TSCClock, counters: [CounterAvailability],
                permissions: PermissionsSection, numa: NumaSection, kvm: KVMSection,
                network: NetworkSection, tools: ToolsSection) {
        self.cpu = cpu
        self.kernel = kernel
        self.tsc = tsc
        self.counters = counters
        self.permissions = permissions
        self.numa = numa
        self.kvm = kvm
        self.network = network
        self.tools = tools
    }

    /// Probes everything (about 0.3 s: TSC calibration, counter opening, a forked namespace test).
    public static func probe(kvmDevice: String = "/dev/kvm") -> MachineReport {
        MachineReport(
            cpu: .probe(),
            kernel: .probe(),
            tsc: TSCClock.shared,
            counters: CounterGroup.probe(events: CounterGroup.defaultEvents),
            permissions: .probe(),
            numa: .probe(),
            kvm: .probe(device: kvmDevice),
            network: .probe(),
            tools: .probe())
    }
}
