// `vwifi-bench run SUITE`: runs a suite file, writes Results/<run-id>/, renders the charts.
import ArgumentParser
import DataPaths
import Dispatch
import Measurement
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
            After every finished repetition its raw rows and its line in runs.jsonl are flushed to
            disk, so a run killed outright (or a reboot) loses only the repetition in progress:
            `run --resume DIR` then runs just the missing repetitions, in the same order with the
            same seeds, and writes every file as if the run had never stopped.
            `--shard K/N` runs the K-th of N shares of the suite's points (`merge` joins them).
            Exit status: 0 ok, 1 some points failed, 2 bad suite or option (nothing run or written),
            130 interrupted by SIGINT, 143 by SIGTERM.
            """)

    @Argument(help: "The suite file (YAML; see Workloads/README.md). Not with --resume.")
    var suite: String?

    @Option(name: .long, help: "Continue the killed or interrupted run in this results directory (its own suite and options).")
    var resume: String?

    @Option(name: .long, help: "Run only share K of N of the suite's points (e.g. 2/4); `merge` combines the shares.")
    var shard: String?

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

    @Flag(name: .long, help: "Refuse to start while another vwifi-bench instance runs on this machine.")
    var exclusive = false

    @Option(name: .long, help: "Directory holding the gnuplot scripts (default: ./plots).")
    var scripts: String?

    func run() throws {
        if let r = repetitions, !(1...1000).contains(r) {
            fail("--repetitions: \(r) is out of range; give a whole number from 1 to 1000", code: 2)
        }
        var options = RunOptions()
        options.resultsRoot = out
        options.quick = quick
        options.repetitions = repetitions
        options.seed = seed
        options.only = only
        options.toolVersion = ToolVersion.string
        options.renderCharts = !noCharts
        options.plotScripts = scripts
        if let s = shard {
            guard let parsed = Shard(parsing: s) else {
                fail("--shard: '\(s)' is not K/N; give e.g. 1/2 (1 <= K <= N <= 1000)", code: 2)
            }
            options.shard = parsed
        }

        let parsed: Suite
        var resumeSetup: ResumeSetup? = nil
        if let dir = resume {
            if suite != nil { fail("--resume: a suite file was given too; give only --resume DIR (it runs DIR's own suite)", code: 2) }
            if quick || repetitions != nil || seed != nil || !only.isEmpty || shard != nil {
                fail("--resume: --quick, --repetitions, --seed, --only and --shard come from DIR's metadata.json; drop them", code: 2)
            }
            do { resumeSetup = try ResumeSetup.load(directory: dir, base: options) } catch { fail("--resume: \(error)", code: 2) }
            let m = resumeSetup!.metadata
            do { try m.requireNoLiveWriter(dir) } catch { fail("--resume: \(error)", code: 2) }
            if m.status == "complete" || m.status == "complete-with-failures" {
                fail("--resume: \(dir) is \(m.status!); nothing to resume (`vwifi-bench report` rebuilds its files)", code: 2)
            }
            parsed = resumeSetup!.suite
            options = resumeSetup!.options
            options.resultsRoot = (dir as NSString).deletingLastPathComponent
            options.runID = (dir as NSString).lastPathComponent
        } else {
            guard let suite else { fail("suite: missing; give a suite file (e.g. Workloads/paper.yaml) or --resume DIR", code: 2) }
            do { parsed = try SuiteParser.load(path: suite) } catch { fail(error.description, code: 2) }
        }

        let plan: RunPlan
        do { plan = try RunPlan(suite: parsed, options: options) } catch { fail(error.description, code: 2) }
        if options.shard != nil && plan.points.isEmpty {
            fail("--shard: share \(options.shard!) of this suite holds no point (it has \(parsed.points(quick: options.quick).count)); give fewer shares", code: 2)
        }
        // Every running instance holds its own lock file, so each sees the others (and names
        // them in its warnings, metadata and raw rows); --exclusive refuses to share the machine.
        let lock: InstanceLock?, others: [InstanceLock.Holder]
        do { (lock, others) = try InstanceLock.takeForCommand(exclusive: exclusive) } catch { fail(error.description, code: 2) }
        // The results root is checked (created, and proven to take files) before anything runs.
        if resume == nil {
            do { try ResultFiles.prepare(directory: out, field: "out") } catch { fail("\(error)", code: 2) }
        }
        for o in others { print("warning: another vwifi-bench instance is running: \(o); it perturbs this run's figures") }
        let interrupts = InterruptHandling.install()
        defer { interrupts.restore() }
        let control = interrupts.control()
        let executor = makeExecutor()
        var environment = ReportingRunEnvironment { Suites.JSONValue.from(MachineReport.probe()) }
        if let lock { environment.instances = { lock.others().map(\.description) } }
        let runner = SuiteRunner(suite: parsed, executor: executor, environment: environment, options: options,
                                 control: control, progress: defaultProgressReporter())
        let measured = plan.runs.filter { !$0.isWarmup }.count
        print("suite \(parsed.name): \(plan.points.count) points x \(plan.repetitions) repetitions = \(measured) runs "
              + "(+\(plan.runs.count - measured) warm-ups), seed \(plan.seed)\(quick ? ", quick" : "")")
        print("estimated_seconds: \(Int(plan.estimatedSeconds.rounded()))")

        if options.shard != nil { print("shard \(options.shard!): \(plan.points.count) of the suite's points") }
        let outcome: RunOutcome
        do { outcome = try resume.map { try runner.resume(directory: $0) } ?? runner.run() }
        catch let e as SuiteError { fail(e.description, code: 2) }
        catch let e as ReportError { fail("--resume: \(e)", code: 2) }
        catch { fail("could not write results: \(error)", code: 1) }
        if outcome.resumedRuns > 0 { print("resumed: \(outcome.resumedRuns) repetitions were on record; ran the rest") }

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
