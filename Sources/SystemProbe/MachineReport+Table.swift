import Measurement

extension MachineReport {
    /// A readable table: one section per JSON key, each unavailable thing with its reason.
    public func table() -> String {
        var out = ReportTable()
        out.section("cpu")
        out.row("model", cpu.model)
        out.row("vendor", cpu.vendor)
        out.row("count", "\(cpu.count) online, allowed to this process: \(ReportTable.list(cpu.allowedCPUs))")
        let present = cpu.flags.filter(\.value).keys.sorted()
        let absent = cpu.flags.filter { !$0.value }.keys.sorted()
        out.row("flags", present.joined(separator: " "))
        out.row("flags absent", absent.joined(separator: " "))

        out.section("kernel")
        out.row("release", kernel.release)
        out.row("version", kernel.version)
        out.row("clocksource", kernel.clocksource ?? "unknown (no /sys/devices/system/clocksource)")

        out.section("tsc")
        out.row("frequency", "\(ReportTable.fixed(tsc.hz / 1e9, 4)) GHz")
        out.row("invariant", "\(ReportTable.yesNo(tsc.invariant)) (constant \(ReportTable.yesNo(tsc.constant)), nonstop \(ReportTable.yesNo(tsc.nonstop)), CPUID 0x80000007 bit 8 \(ReportTable.yesNo(tsc.cpuidInvariantBit)))")
        out.row("calibration spread", "\(ReportTable.fixed(tsc.calibrationSpreadPPM, 1)) ppm over 3 rounds of 50 ms")
        out.row("read cost", "\(ReportTable.fixed(tsc.readCostCycles, 0)) cycles (\(ReportTable.fixed(tsc.nanoseconds(cycles: tsc.readCostCycles), 1)) ns)")
        out.row("fenced floor", "\(ReportTable.fixed(tsc.fencedFloorCycles, 0)) cycles (\(ReportTable.fixed(tsc.nanoseconds(cycles: tsc.fencedFloorCycles), 1)) ns)")
        out.row("synchronized", "\(tsc.synchronized ? (tsc.syncVerified ? "yes" : "unverified") : "NO"): \(tsc.syncNote)")

        out.section("counters")
        for counter in counters {
            if counter.available {
                out.row(counter.name, "available" + (counter.reason.isEmpty ? "" : " (\(counter.reason))") + " \(counter.encoding)")
            } else {
                out.row(counter.name, "UNAVAILABLE: \(counter.reason)")
            }
        }

        out.section("permissions")
        out.row("root", ReportTable.yesNo(permissions.root))
        out.row("perf_event_paranoid", permissions.perfEventParanoid.map(String.init) ?? "absent")
        out.row("meaning", permissions.note)

        out.section("numa")
        out.row("available", numa.available ? "yes" : "NO: \(numa.reason)")
        for node in numa.nodes {
            out.row("node \(node.id)", "cpus \(ReportTable.list(node.cpus)), \(ReportTable.fixed(Double(node.memoryBytes) / 1_073_741_824, 1)) GiB")
        }

        out.section("kvm")
        out.row("device", kvm.device)
        out.row("present", kvm.present ? "yes" : "NO: \(kvm.reason)")
        if let api = kvm.apiVersion { out.row("api_version", "\(api)" + (kvm.reason.isEmpty ? "" : " (\(kvm.reason))")) }
        out.row("module", kvm.module ?? "none found under /sys/module")
        for (name, supported) in kvm.capabilities.sorted(by: { $0.key < $1.key }) {
            out.row("cap \(name)", supported ? "yes" : "no")
        }
        out.row("notes", kvm.notes)
        out.row("trap backend", (kvm.trapBackendUsable ? "usable: " : "UNUSABLE: ") + kvm.trapBackendReason)
        if let cycles = kvm.probeExitCycles { out.row("probe exit", "\(cycles) cycles (first MMIO exit, cold)") }
        if kvm.trapBackendUsable { out.row("interrupts", kvm.interruptMechanism) }

        out.section("network")
        out.row("network namespace", network.canCreateNamespace ? "yes" : "NO: \(network.namespaceReason)")
        out.row("/dev/net/tun", network.tunOpenable ? "yes" : "NO: \(network.tunReason)")

        out.section("tools")
        for (name, tool) in tools.all {
            out.row(name, tool.available
                    ? "\(tool.path ?? "?") (\(tool.version ?? "version unknown"))"
                    : "UNAVAILABLE: \(tool.reason)")
        }

        let warnings = self.warnings
        out.section("warnings")
        if warnings.isEmpty { out.row("none", "") }
        for warning in warnings { out.row("-", warning) }
        return out.render()
    }
}

/// Accumulates sections of label/value rows and aligns the labels on output.
struct ReportTable {
    private var sections: [(title: String, rows: [(String, String)])] = []

    mutating func section(_ title: String) { sections.append((title, [])) }

    mutating func row(_ label: String, _ value: String) {
        if sections.isEmpty { section("") }
        sections[sections.count - 1].rows.append((label, value))
    }

    func render() -> String {
        let width = sections.flatMap(\.rows).map(\.0.count).max() ?? 0
        var lines: [String] = []
        for section in sections {
            lines.append("[\(section.title)]")
            for (label, value) in section.rows {
                let padding = String(repeating: " ", count: width - label.count)
                lines.append("  \(label)\(padding)  \(value)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func yesNo(_ value: Bool) -> String { value ? "yes" : "no" }

    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        if digits == 0 { return String(Int(rounded)) }
        var text = String(rounded)
        if let dot = text.firstIndex(of: ".") {
            let decimals = text.distance(from: dot, to: text.endIndex) - 1
            if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
        }
        return text
    }

    /// CPU lists as ranges: [0, 1, 2, 5] -> "0-2,5".
    static func list(_ cpus: [Int]) -> String {
        guard !cpus.isEmpty else { return "none" }
        var parts: [String] = []
        var start = cpus[0], previous = cpus[0]
        for cpu in cpus.dropFirst() + [Int.min] {
            if cpu == previous + 1 { previous = cpu; continue }
            parts.append(start == previous ? "\(start)" : "\(start)-\(previous)")
            start = cpu; previous = cpu
        }
        return parts.joined(separator: ",")
    }
}
