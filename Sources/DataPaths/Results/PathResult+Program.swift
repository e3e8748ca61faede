// A real program's share of a run's result: its CPU, measured outside the harness's threads.

extension PathResult {
    /// Adds a program's CPU (a separate process's rusage, inside the measured window) to
    /// `component`'s row and to both totals the CPU balance compares.
    mutating func chargeProgram(user: Double, system: Double, to component: Component) {
        let seconds = tscHz > 0 ? wallCycles / tscHz : 0
        if let i = cpu.firstIndex(where: { $0.component == component }) {
            cpu[i].userSeconds += user
            cpu[i].systemSeconds += system
            cpu[i].cpuPercent = seconds > 0 ? (cpu[i].userSeconds + cpu[i].systemSeconds) / seconds * 100 : 0
        } else {
            cpu.append(ComponentCPU(component: component, userSeconds: user, systemSeconds: system,
                                    cpuPercent: seconds > 0 ? (user + system) / seconds * 100 : 0))
        }
        summary.hostCPUPercent = cpu.hostPercent
        componentCPUSeconds = componentCPUSeconds.map { $0 + user + system }
        processCPUSeconds = processCPUSeconds.map { $0 + user + system }
    }
}
