// Combinations of options that no single option can rule out, checked once all are set (by
// `vwifi-bench path` and for every suite point), so both refuse them with the same words.
extension PathConfig {
    /// Checks combinations that single options cannot. Throws naming the offending field.
    public func validate() throws(ConfigError) {
        if path == .native && translation == .iommu {
            throw ConfigError(field: "translation", problem: "native has no guest addresses to translate",
                              fix: "drop --translation iommu for the native path")
        }
        if path != .vwifi && coalesceDeviceModel != 1 {
            throw ConfigError(field: "coalesce-device-model",
                              problem: "only the vwifi path has a device model",
                              fix: "use --coalesce-device for \(path.rawValue), or choose --path vwifi")
        }
        if path != .vwifi && doorbell == .ioeventfd {
            throw ConfigError(field: "doorbell", problem: "only the vwifi doorbell traps",
                              fix: "drop --doorbell ioeventfd, or choose the vwifi path")
        }
        if path == .native && trap == .kvm {
            throw ConfigError(field: "trap", problem: "the native path runs no virtual CPU",
                              fix: "drop --trap kvm for the native path")
        }
        if workload == .ping && direction != .tx {
            throw ConfigError(field: "direction", problem: "ping is a request/response round trip",
                              fix: "drop --direction \(direction.rawValue) with --ping")
        }
        if vms > 1 {
            guard path == .vwifi else {
                throw ConfigError(field: "vms", problem: "only the vwifi path shares one device between VMs (this run: \(path.rawValue))",
                                  fix: "drop --vms, or run the vwifi path")
            }
            guard workload == .udp && direction == .tx else {
                throw ConfigError(field: "vms", problem: "several VMs run the UDP TX workload only (this run: \(workload.rawValue) \(direction.rawValue))",
                                  fix: "use --vms 1, or the udp workload with --direction tx")
            }
        }
        if !(1...Self.maxVMs).contains(vms) {
            throw ConfigError(field: "vms", problem: "\(vms) is out of range", fix: "give a whole number from 1 to \(Self.maxVMs)")
        }
        if traffic.isTool { try validateProgram() }
        if warmupPackets >= packets && duration == nil && workload == .udp {
            throw ConfigError(field: "warmup", problem: "warm-up (\(warmupPackets)) is not below packets (\(packets))",
                              fix: "lower --warmup or raise --packets")
        }
    }

    /// A real program as the traffic: where it can run, and that it is installed.
    private func validateProgram() throws(ConfigError) {
        if path != .native && trap == .thread {
            throw ConfigError(field: "trap", problem: "a real program's traffic in a VM runs on the kvm backend (the thread trap's guest has no network stack to carry it)",
                              fix: "drop --trap thread, or use --traffic builtin")
        }
        if vms > 1 {
            throw ConfigError(field: "vms", problem: "a real program's traffic goes through one VM (this run: \(vms))",
                              fix: "use --vms 1, or --traffic builtin")
        }
        guard workload == .udp || (workload == .ping && traffic == .ping) else {
            throw ConfigError(field: "workload", problem: "--workload \(workload.rawValue) describes the harness's own generator, and --traffic \(traffic.rawValue) makes its own traffic",
                              fix: "drop --workload (with --traffic ping, --ping N sets the count)")
        }
        _ = try ToolInvocation(self)
        try ToolInvocation.checkInstalled(traffic)
    }
}
