// `vwifi-bench bench`: the harness's own cost against the physical floor of each mechanism it
// uses. Prints a table and writes DIR/bench.csv.
import ArgumentParser
import Bench
import DataPaths
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the harness's own cost: stamps, hand-offs, per-path overhead, perturbation, allocations, suite time.",
        discussion: """
            Each measurement is repeated, interleaved with its reference (a bare rdtsc; C hand-offs and \
            C pipelines from Sources/CReference), and judged on the median ratio. A verdict is "noisy" \
            (neither pass nor fail) when steal or spread could flip it. Run from a release build.

            Exit status: 0 no target missed (noisy is not a miss), 3 a target missed, 2 bad option, 1 failure.
            """)

    @Option(name: .long, help: "Directory for bench.csv and bench_samples.csv.")
    var out: String = "Results/bench"

    @Flag(name: .long, help: "Fewer repetitions and shorter samples (about 30 s plus the quick suite).")
    var quick = false

    @Option(name: .long, help: "Repetitions of each measurement (default 7, quick 3).")
    var repetitions: Int?

    @Option(name: .long, help: "Packets per path run (default 100000, quick 30000).")
    var packets: Int?

    @Flag(name: .long, help: "Do not time the suite.")
    var skipSuite = false

    @Flag(name: .long, help: "Also time the full suite (about 11 minutes).")
    var fullSuite = false

    @Option(name: .long, parsing: .upToNextOption, help: "Only these groups: stamp, handoff, path (default: all).")
    var only: [String] = []

    @Option(name: .long, parsing: .upToNextOption, help: "Paths to measure: native, passthrough, vwifi (default: all).")
    var paths: [String] = []

    @Option(name: .long, help: "Suite file to time.")
    var suite: String = "Workloads/paper.yaml"

    func run() throws {
        var options = quick ? BenchOptions.quick : BenchOptions.standard
        if let r = repetitions {
            guard (1...100).contains(r) else { fail("--repetitions: \(r) is out of range; give 1 to 100", code: 2) }
            options.repetitions = r
        }
        if let p = packets {
            guard (100...10_000_000).contains(p) else { fail("--packets: \(p) is out of range; give 100 to 10000000", code: 2) }
            options.path.packets = p
            options.path.warmup = min(options.path.warmup, p / 10)
        }
        if !only.isEmpty {
            var groups = Set<BenchGroup>()
            for name in only {
                guard let g = BenchGroup(rawValue: name) else {
                    fail("--only: '\(name)' is not a group; use stamp, handoff or path", code: 2)
                }
                groups.insert(g)
            }
            options.groups = groups
        }
        if !paths.isEmpty {
            options.paths = []
            for name in paths {
                guard let p = PathKind(rawValue: name) else {
                    fail("--paths: '\(name)' is not a path; use native, passthrough or vwifi", code: 2)
                }
                options.paths.append(p)
            }
        }
        if skipSuite && fullSuite { fail("--full-suite: cannot be combined with --skip-suite; drop one", code: 2) }
        options.suite = skipSuite ? .skip : fullSuite ? .quickAndFull : .quick
        options.suiteFile = suite
        options.executable = Bundle.main.executablePath ?? CommandLine.arguments[0]
        if options.suite != .skip && !FileManager.default.fileExists(atPath: suite) {
            fail("--suite: '\(suite)' does not exist; run from the repository root or give --suite PATH (or --skip-suite)", code: 2)
        }
        #if DEBUG
        print("warning: debug build; the numbers below do not describe the release harness (swift build -c release)")
        #endif
        options.progress = { stage in FileHandle.standardError.write(Data("bench: \(stage)...\n".utf8)) }
        let report = try BenchRunner.run(options)
        print(report.table, terminator: "")
        try report.write(to: out)
        print("bench.csv: \((out as NSString).appendingPathComponent("bench.csv"))")
        if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
    }
}
