// CPU by component, and the process's CPU over the same window that the rows must add up to.
import Measurement

extension ResultBuilder {
    /// One row per component with threads (the harness always has its one), CPU over `seconds`.
    func cpu(seconds: Double) -> [ComponentCPU] {
        var rows: [ComponentCPU] = []
        for component in Component.allCases {
            var usages = pipeline.accounts.filter { $0.component == component }.map(\.usage)
            if component == .harness { usages.append(pipeline.harness.usage) }
            guard !usages.isEmpty else { continue }
            var user = 0.0, system = 0.0, voluntary = 0, involuntary = 0
            for case let u? in usages {
                user += u.userSeconds
                system += u.systemSeconds
                voluntary += u.voluntarySwitches
                involuntary += u.involuntarySwitches
            }
            let percent = seconds > 0 ? (user + system) / seconds * 100 : 0
            rows.append(ComponentCPU(component: component, userSeconds: user, systemSeconds: system,
                                     cpuPercent: percent, voluntarySwitches: voluntary,
                                     involuntarySwitches: involuntary))
        }
        return rows
    }

    func percent(of component: Component, in rows: [ComponentCPU]) -> Double {
        rows.filter { $0.component == component }.reduce(0) { $0 + $1.cpuPercent }
    }

    /// The process's user + system time from the end of warm-up to the last join; nil when
    /// either sample is missing.
    func processCPUSeconds() -> Double? {
        guard let start = pipeline.control.processAtStart, let end = pipeline.harness.processAtEnd else { return nil }
        let d = end - start
        return d.userSeconds + d.systemSeconds
    }
}

extension [ComponentCPU] {
    /// Host CPU: the rows counted as host, added up (percent of one core).
    var hostPercent: Double { filter(\.countedAsHost).reduce(0) { $0 + $1.cpuPercent } }
}
