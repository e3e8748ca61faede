// `vwifi-bench run SUITE`: runs a suite file, writes Results/<run-id>/, renders the charts.
import ArgumentParser
import DataPaths
import Dispatch
import Foundation
import Suites
import SystemProbe

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a suite (e.g. Workloads/paper.yaml) and write Results/<run-id>/.",
        discussion: """
            Each point gets one discarded warm-up run, then --repetitions measured runs in a seeded,
            interleaved order. Ctrl-C (or SIGTERM) stops the current run at once, drops it and keeps
            every finished result; a second one exits immediately.
            Exit status: 0 ok, 1 some points failed, 2 bad suite or option (nothing run or written),
            130 interrupted by SIGINT, 143 by SIGTERM.
            """)

    @Argument(help: "The suite file (YAML; see Workloads/README.md).")
    var suite: String

    @Option(name: .long, help: "Results root: the run goes to DIR/<run-id>, DIR/latest points at it.")
    var out: String = "Results"

    @Flag(name: .long, help: "Fewer, shorter runs (the suite's quick settings), for smoke runs.")
    var quick = false

    @Option(name: .long, parsing: .unconditional, help: "Measured repetitions per point (default: the suite's, at least 5).")
    var repetitions: Int?

    @Option(name: .long, parsing: .unconditional, help: "Seed for the run order and each run's seed (default: the suite's).")
    var seed: UInt64?

    @Option(name: .long, parsing: .upToNextOption, help: "Only these experiments (names or figure names, e.g. fig8).")
    var only: [String] = []

    @Flag(name: .long, help: "Do not render charts at the end.")
    var noCharts = false

    @Option(name: .long, help: "Directory holding the gnuplot scripts (default: ./plots).")
    var scripts: String?

    func run() throws {
        if let r = repetitions, !(1...1000).contains(r) {
            fail("--repetitions: \(r) is out of range; give a whole number from 1 to 1000", code: 2)
        }
        let parsed: Suite
        do { parsed = try SuiteParser.load(path: suite) } catch { fail(error.description, code: 2) }
        var options = RunOptions()
        options.resultsRoot = out
        options.quick = quick
        options.repetitions = repetitions
        options.seed = seed
        options.only = only
        options.toolVersion = ToolVersion.string
        options.renderCharts = !noCharts
        options.plotScripts = scripts

        let plan: RunPlan
        do { plan = try RunPlan(suite: parsed, options: options) } catch { fail(error.description, code: 2) }
        // The results root is checked (created, and proven to take files) before anything runs.
        do { try ResultFiles.prepare(directory: out, field: "out") } catch { fail("\(error)", code: 2) }
        let interrupts = InterruptHandling.install()
        defer { interrupts.restore() }
        let control = interrupts.control()
        let executor = makeExecutor()
        let environment: any RunEnvironment = ReportingRunEnvironment { Suites.JSONValue.from(MachineReport.probe()) }
        let runner = SuiteRunner(suite: parsed, executor: executor, environment: environment, options: options,
                                 control: control, progress: defaultProgressReporter())
        let measured = plan.runs.filter { !$0.isWarmup }.count
        print("suite \(parsed.name): \(plan.points.count) points x \(plan.repetitions) repetitions = \(measured) runs "
              + "(+\(plan.runs.count - measured) warm-ups), seed \(plan.seed)\(quick ? ", quick" : "")")
        print("estimated_seconds: \(Int(plan.estimatedSeconds.rounded()))")

        let outcome: RunOutcome
        do { outcome = try runner.run() } catch let e as SuiteError { fail(e.description, code: 2) }
        catch { fail("could not write results: \(error)", code: 1) }

        for w in outcome.warnings { print("warning: \(w)") }
        for f in outcome.failures { print("failed: \(f)") }
        print("results: \(outcome.directory) (\(outcome.measuredRuns) of \(outcome.plannedRuns) runs, "
              + "\(Int(outcome.elapsedSeconds.rounded())) s)")
        print("summary: \((outcome.directory as NSString).appendingPathComponent("SUMMARY.md"))")
        if !outcome.charts.isEmpty {
            print("charts:")
            for c in outcome.charts where c.hasSuffix(".png") { print("  \(c)") }
        }
        if let note = outcome.chartNote { print("charts: \(note)") }
        if outcome.interrupted {
            print("interrupted: finished runs are kept; every file written is complete")
            throw ExitCode(interrupts.exitStatus)
        }
        if !outcome.failures.isEmpty { throw ExitCode(1) }
    }
}

/// Prints one line, `error: <message>`, on stderr and exits with `code`.
func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data(("error: " + message + "\n").utf8))
    exit(code)
}
