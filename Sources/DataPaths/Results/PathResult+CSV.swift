// The per-run files `vwifi-bench path --out DIR` writes. Column names are a contract that
// scripts read: add columns at the end, never rename.
import Measurement

extension PathResult {
    public static let summaryHeader = [
        "path", "direction", "packets_sent", "packets_delivered", "packets_dropped", "goodput_mbps",
        "frames_per_s", "interrupts_physical", "interrupts_virtual", "exits", "host_cpu_percent",
        "device_cpu_percent", "workload", "wall_s", "translations", "iotlb_hits", "iotlb_misses",
        "iommu_faults", "trap_backend", "interrupt_mechanism", "translation", "coalesce_device_model",
        "coalesce_device", "air", "slot", "size", "rtt_ms_median", "system_cpu_percent", "vms", "ring_full_waits",
        "harness_cpu_percent", "air_utilization", "attempts_per_frame", "air_retries", "air_collisions",
        "air_beacons", "retry_limit_exceeded", "seed", "rtt_ms_p50", "rtt_ms_p90", "rtt_ms_p99", "rtt_ms_p999", "rtt_ms_max",
    ]

    public var summaryRow: [String] {
        let s = summary
        let rtt = rttMs.isEmpty ? "" : NumberFormat.csv(rttMs.sorted()[rttMs.count / 2])
        let distribution: [String] = rttDistributionMs.map { d in [d.p50, d.p90, d.p99, d.p999, d.max].map(NumberFormat.csv) }
            ?? Array(repeating: "", count: 5)
        let row: [String] = [s.path, s.direction, "\(s.packetsSent)", "\(s.packetsDelivered)", "\(s.packetsDropped)",
                NumberFormat.csv(s.goodputMbps), NumberFormat.csv(s.framesPerSecond), "\(s.interruptsPhysical)",
                "\(s.interruptsVirtual)", "\(s.exits)", NumberFormat.csv(s.hostCPUPercent), NumberFormat.csv(s.deviceCPUPercent),
                s.workload, NumberFormat.csv(s.wallSeconds), "\(s.translations)", "\(s.iotlbHits)", "\(s.iotlbMisses)",
                "\(s.iommuFaults)", s.trapBackend, s.interruptMechanism, config.translation.rawValue,
                "\(config.coalesceDeviceModel)", "\(config.coalesceDevice)", config.air.rawValue,
                config.slot.rawValue, "\(config.size)", rtt, NumberFormat.csv(systemCPUPercent), "\(s.vms)",
                "\(s.ringFullWaits)", NumberFormat.csv(s.harnessCPUPercent),
                air.map { NumberFormat.csv($0.utilization) } ?? "", air.map { NumberFormat.csv($0.attemptsPerFrame) } ?? "",
                air.map { "\($0.retries)" } ?? "", air.map { "\($0.collisions)" } ?? "", air.map { "\($0.beacons)" } ?? "",
                air.map { "\($0.retryLimitExceeded)" } ?? "", "\(config.seed)"]
        return row + distribution
    }

    public static let stagesHeader = ["stage", "count", "cycles_median", "cycles_p90", "cycles_p99", "cycles_mean", "chain",
                                      "cycles_p999", "cycles_max"]
    public static let cpuHeader = ["component", "user_s", "system_s", "cpu_percent", "counted_as_host",
                                   "voluntary_switches", "involuntary_switches"]
    public static let exitsHeader = ["reason", "count", "cycles_min", "cycles_median", "cycles_p99"]
    public static let countersHeader = ["component", "event", "value", "available", "reason"]
    public static let categoriesHeader = ["component", "category", "cycles", "percent_of_total"]
    public static let hopsHeader = ["path", "from", "to", "mechanism", "per_packet", "cycles_median", "count",
                                    "stages", "from_thread", "to_thread", "same_thread"]

    /// File name -> CSV text, for every per-run file.
    public func csvFiles() -> [(String, String)] {
        var files: [(String, String)] = []
        files.append(("summary.csv", CSVTable.render(header: Self.summaryHeader, rows: [summaryRow])))
        files.append(("stages.csv", CSVTable.render(header: Self.stagesHeader, rows: stages.map {
            [$0.stage, "\($0.count)", NumberFormat.csv($0.cyclesMedian), NumberFormat.csv($0.cyclesP90),
             NumberFormat.csv($0.cyclesP99), NumberFormat.csv($0.cyclesMean), $0.chain,
             $0.cyclesP999.map(NumberFormat.csv) ?? "", $0.cyclesMax.map(NumberFormat.csv) ?? ""]
        })))
        files.append(("cpu.csv", CSVTable.render(header: Self.cpuHeader, rows: cpu.map {
            [$0.component.rawValue, NumberFormat.csv($0.userSeconds), NumberFormat.csv($0.systemSeconds),
             NumberFormat.csv($0.cpuPercent), $0.countedAsHost ? "true" : "false", "\($0.voluntarySwitches)",
             "\($0.involuntarySwitches)"]
        })))
        files.append(("exits.csv", CSVTable.render(header: Self.exitsHeader, rows: exits.map {
            [$0.reason, "\($0.count)", NumberFormat.csv($0.cyclesMin), NumberFormat.csv($0.cyclesMedian), NumberFormat.csv($0.cyclesP99)]
        })))
        files.append(("counters.csv", CSVTable.render(header: Self.countersHeader, rows: counters.map {
            [$0.component.rawValue, $0.event, $0.value.map(NumberFormat.csv) ?? "", $0.available ? "true" : "false", $0.reason]
        })))
        files.append(("categories.csv", CSVTable.render(header: Self.categoriesHeader, rows: categories.map {
            [$0.component.rawValue, $0.category.rawValue, NumberFormat.csv($0.cycles),
             NumberFormat.csv(wallCycles > 0 ? $0.cycles / wallCycles * 100 : 0)]
        })))
        files.append(("hops.csv", CSVTable.render(header: Self.hopsHeader, rows: hops.map {
            [$0.path, $0.from, $0.to, $0.mechanism, NumberFormat.csv($0.perPacket), NumberFormat.csv($0.medianCycles),
             "\($0.count)", $0.stages, $0.fromThread, $0.toThread, $0.sameThread ? "true" : "false"]
        })))
        return files
    }
}
