// The values the VEE'11 paper reports (section 5, Figures 5-8 and Table 1), as labelled
// reference data. They fill only `paper_*` columns, the reference marks of the charts and the
// paper's side of SUMMARY.md; no measured column is ever computed from them.

public enum PaperReference {
    /// Figure 5(a): "In all testing scenarios, achieved WiFi UDP TX/RX throughput is around
    /// 22 Mbps/18 Mbps" (802.11g, 1450-byte packets). Stated for native, passthrough and vwifi.
    public static func udpGoodputMbps(scenario: String, direction: String) -> Double? {
        guard ["native", "passthrough", "vwifi"].contains(scenario) else { return nil }
        return direction == "tx" ? 22 : direction == "rx" ? 18 : nil
    }

    /// Figure 5(b), read off the text, not the bars: "In all testing scenarios, achieved WiFi TCP
    /// TX/RX throughput is around 20 Mbps/20 Mbps" (iPerf, 1448-byte writes, socket buffer
    /// maximized). Stated for the same three scenarios as Figure 5(a).
    public static func tcpGoodputMbps(scenario: String, direction: String) -> Double? {
        guard ["native", "passthrough", "vwifi"].contains(scenario) else { return nil }
        return direction == "tx" || direction == "rx" ? 20 : nil
    }

    /// Figure 5(a) or 5(b) by a fig5_throughput row's `protocol` (`udp`, `tcp`).
    public static func goodputMbps(protocol name: String, scenario: String, direction: String) -> Double? {
        switch name {
        case "udp": udpGoodputMbps(scenario: scenario, direction: direction)
        case "tcp": tcpGoodputMbps(scenario: scenario, direction: direction)
        default: nil
        }
    }

    /// Figure 5(c): ping round-trip time, milliseconds.
    public static let rttMs: [String: Double] = [
        "native": 5.74, "passthrough": 6.17, "vwifi": 7.87, "vwifi-iommu": 6.63,
    ]

    /// Figure 6: "a total of 60000 CPU cycles" on the TX extra path with software translation
    /// (2.53 GHz Core 2 Duo), of which GPA -> HPA translation is "almost half".
    public static let extraPathCyclesSoftware = 60_000.0
    public static let translationShareSoftware = 0.5
    public static let cpuClockHz = 2.53e9

    /// Figure 7: overall system CPU use, percent, UDP TX at maximal throughput.
    public static let cpuPercent: [String: Double] = [
        "system-idle": 5, "vm-idle": 10, "native": 19.5, "passthrough": 23.6, "vwifi": 50.9,
    ]
    public static let cpuOrder = ["system-idle", "vm-idle", "native", "passthrough", "vwifi"]

    /// Figure 8: vwifi CPU use with each optimization, percent (same throughput in all four).
    public static let optimizationCPUPercent: [String: Double] = [
        "none": 50.4, "coalescing": 34.2, "iommu": 44.2, "coalescing+iommu": 28.0,
    ]
    /// "the total CPU utilization is 19.3% in the native WiFi case" (section 5.3.3).
    public static let nativeCPUPercentFig8 = 19.3
    /// "close to 1900 interrupts per second" at 22 Mbps, one per TX completion.
    public static let interruptsPerSecond = 1_900.0
    /// The device model waited for 10 TX responses before injecting one virtual interrupt.
    public static let coalescingCount = 10

    /// Table 1, percent of total time. KVM rows map to the `hypervisor` component, host kernel
    /// rows to `host_driver`; the paper's rows without a category here (shadow memory, vCPU
    /// state, "Other") are left out.
    public struct TimeShare: Sendable {
        public var component: String
        public var category: String
        public var label: String
        public var vwifi: Double?
        public var passthrough: Double?
        public var native: Double?
        public func value(scenario: String) -> Double? {
            switch scenario {
            case "vwifi": vwifi
            case "passthrough": passthrough
            case "native": native
            default: nil
            }
        }
    }

    public static let table1: [TimeShare] = [
        .init(component: "hypervisor", category: "virtual_irq_delivery", label: "KVM: delivering virtual IRQs", vwifi: 2.79, passthrough: 0.34, native: nil),
        .init(component: "hypervisor", category: "address_translation", label: "KVM: address translation", vwifi: 2.71, passthrough: 0.15, native: nil),
        .init(component: "hypervisor", category: "io_exit_handling_and_forwarding", label: "KVM: IN/OUTs handling and forwarding", vwifi: 2.06, passthrough: 0.13, native: nil),
        .init(component: "hypervisor", category: "decoding", label: "KVM: instruction decoding", vwifi: 0.53, passthrough: 0.33, native: nil),
        .init(component: "host_driver", category: "interrupt_handling_forwarding", label: "Host: interrupt handling/forwarding IRQs to device model", vwifi: 5.87, passthrough: 1.22, native: 2.53),
        .init(component: "host_driver", category: "io_exit_handling_and_forwarding", label: "Host: IN/OUTs in driver / IO requests from device model", vwifi: 4.95, passthrough: 0.29, native: 2.56),
        .init(component: "host_driver", category: "locking", label: "Host: locking/unlocking", vwifi: 4.72, passthrough: 0.41, native: 1.08),
        .init(component: "host_driver", category: "scheduling_wakeups", label: "Host: scheduling user/kernel threads", vwifi: 2.06, passthrough: 0.69, native: 0.30),
        .init(component: "host_driver", category: "packet_copies", label: "Host: packet memory copying", vwifi: 1.74, passthrough: 0.35, native: 1.57),
        .init(component: "host_driver", category: "timers", label: "Host: timer management", vwifi: 1.15, passthrough: 0.71, native: 0.10),
        .init(component: "host_driver", category: "system_calls", label: "Host: system call entry/return", vwifi: 1.78, passthrough: 0.68, native: 0.56),
        .init(component: "host_driver", category: "network_stack", label: "Host: network stack", vwifi: nil, passthrough: nil, native: 3.47),
    ]

    public static func table1Percent(scenario: String, component: String, category: String) -> Double? {
        table1.first { $0.component == component && $0.category == category }?.value(scenario: scenario)
    }
}
