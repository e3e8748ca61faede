// `vwifi-bench path`: run one data path once and print what it measured.
import ArgumentParser
import DataPaths
import Foundation
import Measurement

struct PathCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "path",
        abstract: "Run one data path (native, passthrough, vwifi) and print its measurements.",
        usage: "vwifi-bench path <native|passthrough|vwifi> [<options>]",
        discussion: PathOptionHelp.text + "\n\n" + """
        Examples:
          vwifi-bench path vwifi --packets 5000
          vwifi-bench path vwifi --trap kvm --rate 300 --packets 600
          vwifi-bench path vwifi --translation iommu --coalesce-device-model 10 --out /tmp/run
          vwifi-bench path native --direction rx --air none
          vwifi-bench path passthrough --ping 100
        """)

    // The data path and the option flags come from the option table (`PathOption.all`), which
    // ArgumentParser cannot declare at run time: it collects what it does not recognise here and
    // `PathArguments` reads that. Only `--out`, `--json` and `--exclusive` belong to the command itself.
    @Argument(parsing: .allUnrecognized,
              help: ArgumentHelp("native, passthrough or vwifi, and the data-path options above.", valueName: "path"))
    var arguments: [String] = []
    @Option(help: "Write summary.csv, stages.csv, cpu.csv, exits.csv, counters.csv, categories.csv, hops.csv and result.json here.")
    var out: String?
    @Flag(help: "Print the result as JSON instead of the readable summary.") var json = false
    @Flag(help: "Refuse to start while another vwifi-bench instance (a suite run or a path run) is running.")
    var exclusive = false

    func run() throws {
        let config = try makeConfig()
        // Held for the whole run: other instances see this one, and this run names each of them.
        let (lock, before) = try InstanceLock.takeForCommand(exclusive: exclusive)
        let created = try out.map { try ResultFiles.prepare(directory: $0) } ?? []
        let interrupts = InterruptHandling.install()
        defer { interrupts.restore() }
        let control = interrupts.control()
        var result: PathResult
        do {
            result = try PipelineExecutor().run(config, control: control)
        } catch is RunCancelled {
            FileHandle.standardError.write(Data("interrupted: nothing written\n".utf8))
            throw ExitCode(interrupts.exitStatus)
        } catch let error as ConfigError {
            // Bad input found only by running (flags a traffic program rejects): nothing stays.
            ResultFiles.removeCreated(created)
            throw error
        }
        let beside = before + (lock?.others() ?? []).filter { !before.contains($0) }
        result.warnings += beside.map { "another vwifi-bench instance ran beside this run: \($0); it perturbs this run's figures" }
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

    /// Unknown flags and missing values are argument errors (usage hint, exit 2), reported
    /// before anything runs.
    func validate() throws { _ = try parsedArguments() }

    func parsedArguments() throws -> PathArguments {
        do { return try PathArguments(arguments) } catch { throw ValidationError(error.description) }
    }

    func makeConfig() throws -> PathConfig {
        let given = try parsedArguments()
        guard let kind = PathKind(rawValue: given.path) else {
            throw ConfigError(field: "path", problem: "'\(given.path)' is not a data path",
                              fix: "use one of: native, passthrough, vwifi")
        }
        var c = PathConfig(path: kind)
        try given.apply(to: &c)
        // On the command line the two are alternatives; a suite may let one override the other.
        if given.gave("saturate") && given.gave("rate") {
            throw ConfigError(field: "saturate", problem: "--saturate and --rate both given", fix: "choose one")
        }
        // A short run asked for with --packets alone keeps a warm-up below it.
        if given.gave("packets") && !given.gave("warmup") && c.warmupPackets >= c.packets {
            c.warmupPackets = max(0, c.packets / 10)
        }
        try c.validate()
        return c
    }
}
