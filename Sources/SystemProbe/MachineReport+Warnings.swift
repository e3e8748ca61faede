import Measurement

extension MachineReport {
    /// What limits measurement on this machine, in plain words with the consequence.
    public var warnings: [String] {
        var list: [String] = []
        if !tsc.invariant {
            list.append("TSC is not invariant (constant_tsc=\(tsc.constant), nonstop_tsc=\(tsc.nonstop)): cycle stamps do not map to wall time; pin threads and keep the CPU busy")
        }
        if !tsc.synchronized {
            list.append("TSC not synchronized across CPUs: compare stamps only from one CPU. \(tsc.syncNote)")
        }
        if tsc.synchronized && !tsc.syncVerified {
            list.append("TSC synchronization across CPUs could not be verified (machine busy): cross-CPU latencies assume it; rerun doctor when the machine is quieter")
        }
        if tsc.calibrationSpreadPPM > 1000 {
            list.append("TSC calibration rounds disagree by \(Int(tsc.calibrationSpreadPPM)) ppm: the machine was busy or the TSC is unstable; rerun doctor")
        }
        let unavailable = counters.filter { !$0.available }
        if !unavailable.isEmpty {
            list.append("\(unavailable.count) of \(counters.count) counters unavailable (\(unavailable.map(\.name).joined(separator: ", "))): results will omit them; see counters for why")
        }
        if !kvm.present {
            list.append("KVM unavailable: VM paths cannot run. \(kvm.reason)")
        }
        if tools.gnuplot.path == nil || !tools.gnuplot.available {
            list.append("gnuplot unavailable: charts are skipped. \(tools.gnuplot.reason)")
        }
        for (name, tool) in tools.all where name != "gnuplot" && !tool.available {
            list.append("\(name) unavailable: --traffic runs that need it are refused. \(tool.reason)")
        }
        if cpu.allowedCPUs.count < 2 {
            list.append("only \(cpu.allowedCPUs.count) CPU allowed to this process: cross-core data paths share one core")
        }
        return list
    }
}
