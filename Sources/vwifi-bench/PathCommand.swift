// `vwifi-bench path`: run one data path once and print what it measured.
import ArgumentParser
import DataPaths
import Foundation
import Measurement

struct PathCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "path",
        abstract: "Run one data path (native, passthrough, vwifi) and print its measurements.",
        discussion: """
        Examples:
          vwifi-bench path vwifi --packets 5000
          vwifi-bench path vwifi --trap kvm --rate 300 --packets 600
          vwifi-bench path vwifi --translation iommu --coalesce-device-model 10 --out /tmp/run
          vwifi-bench path native --direction rx --air none
          vwifi-bench path passthrough --ping 100
        """)

    // Numbers are taken as given (`.unconditional`), so `--size -5` reaches PathConfig and gets
    // its range message instead of the parser's "missing value". Names and paths keep the
    // default, so `--out --json` is an error rather than a directory called "--json".
    @Argument(help: "native, passthrough or vwifi") var path: String
    @Option(parsing: .unconditional, help: "Packets to send (count-bounded run).") var packets: String?
    @Option(parsing: .unconditional, help: "Seconds to run (time-bounded run; overrides --packets).") var duration: String?
    @Option(parsing: .unconditional, help: "UDP payload bytes (1450 gives a 1514-byte MPDU).") var size: String?
    @Option(parsing: .unconditional, help: "Offered load in packets per second (default: saturate).") var rate: String?
    @Flag(help: "Offer as much as the path takes (the default).") var saturate = false
    @Option(help: "tx or rx.") var direction: String?
    @Option(parsing: .unconditional, help: "Send N echo requests and report round-trip times.") var ping: String?
    @Option(name: .customLong("ping-interval-ms"), parsing: .unconditional, help: "Gap between echo requests.") var pingIntervalMs: String?
    @Option(help: "software or iommu (vwifi).") var translation: String?
    @Flag(help: "Add a real /proc/self/pagemap lookup per translated page (software translation).") var pagemap = false
    @Option(name: .customLong("coalesce-device-model"), parsing: .unconditional, help: "Inject one virtual interrupt per N completions.")
    var coalesceDeviceModel: String?
    @Option(name: .customLong("coalesce-device"), parsing: .unconditional, help: "Raise one physical interrupt per N completions.")
    var coalesceDevice: String?
    @Option(help: "80211g or none (no air pacing).") var air: String?
    @Option(help: "long or short slot time.") var slot: String?
    @Option(help: "auto, kvm or thread.") var trap: String?
    @Option(help: "exit or ioeventfd.") var doorbell: String?
    @Option(name: .customLong("kvm-device"), help: "KVM device for --trap kvm|auto (a missing path forces the thread fallback).")
    var kvmDevice: String?
    @Option(help: "udp, ping or idle.") var workload: String?
    @Option(parsing: .unconditional, help: "VMs sharing the vwifi device (1-4; udp tx, thread trap); --packets is per VM.") var vms: String?
    @Option(name: .customLong("timer-hz"), parsing: .unconditional, help: "Guest timer tick rate (idle workload).") var timerHz: String?
    @Option(name: .customLong("ring-size"), parsing: .unconditional, help: "Descriptors per ring (power of two).") var ringSize: String?
    @Option(parsing: .unconditional, help: "Packets excluded from statistics at the start.") var warmup: String?
    @Option(help: "Comma-separated perf events (libpfm4 names); empty disables.") var counters: String?
    @Flag(name: .customLong("no-stamps"), help: "Disable stage stamps (to measure their perturbation).")
    var noStamps = false
    @Option(help: "Write summary.csv, stages.csv, cpu.csv, exits.csv, counters.csv, categories.csv and result.json here.")
    var out: String?
    @Flag(help: "Print the result as JSON instead of the readable summary.") var json = false

    func run() throws {
        let config = try makeConfig()
        if let out { try ResultFiles.prepare(directory: out) }
        let control = RunControl()
        let interrupts = InterruptHandling.install { control.cancel() }
        defer { interrupts.restore() }
        let result: PathResult
        do {
            result = try PipelineExecutor().run(config, control: control)
        } catch is RunCancelled {
            FileHandle.standardError.write(Data("interrupted: nothing written\n".utf8))
            throw ExitCode(interrupts.exitStatus)
        }
        if let out { try ResultFiles.write(result, to: out) }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print(PathReport.render(result))
            if let out { print("files written to \(out)") }
        }
    }

    func makeConfig() throws -> PathConfig {
        guard let kind = PathKind(rawValue: path) else {
            throw ConfigError(field: "path", problem: "'\(path)' is not a data path",
                              fix: "use one of: native, passthrough, vwifi")
        }
        var c = PathConfig(path: kind)
        let options: [(String, String?)] = [
            ("workload", workload), ("packets", packets), ("duration", duration), ("size", size), ("rate", rate),
            ("direction", direction), ("ping", ping), ("ping-interval-ms", pingIntervalMs),
            ("translation", translation), ("coalesce-device-model", coalesceDeviceModel),
            ("coalesce-device", coalesceDevice), ("air", air), ("slot", slot), ("trap", trap),
            ("doorbell", doorbell), ("timer-hz", timerHz), ("ring-size", ringSize), ("warmup", warmup),
            ("counters", counters), ("kvm-device", kvmDevice), ("vms", vms),
        ]
        for (name, value) in options { if let value { try c.set(name, to: value) } }
        if pagemap { c.pagemap = true }
        if noStamps { c.stamps = false }
        if saturate {
            if rate != nil {
                throw ConfigError(field: "saturate", problem: "--saturate and --rate both given", fix: "choose one")
            }
            c.rate = nil
        }
        if packets != nil && c.warmupPackets >= c.packets && warmup == nil {
            c.warmupPackets = max(0, c.packets / 10)
        }
        try c.validate()
        return c
    }
}
