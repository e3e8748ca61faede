// Bad input to the real `vwifi-bench` binary: every case must exit with status 2, print exactly
// one line on stderr, `error: ...`, naming the field and the fix, print nothing on stdout, and
// leave the file system as it was (no results directory, no partial file, nothing changed).
import Foundation
import Testing

/// One bad invocation. `$T` in arguments and file contents is the case's scratch directory.
struct BadInput: Sendable, CustomTestStringConvertible {
    var name: String
    var args: [String]
    /// Files written into the scratch directory before the run (name -> contents).
    var files: [String: String] = [:]
    /// Every string must appear in the one error line (the field, and words of the fix).
    var mentions: [String]

    var testDescription: String { name }
}

/// A suite that is valid as written; the cases below break one thing in it.
let tinySuite = """
    name: tiny
    repetitions: 1
    defaults: { trap: thread, counters: "" }
    experiments:
      - name: alpha
        figure: custom
        path: vwifi
        options: { packets: 300, warmup: 10 }

    """

/// `tinySuite` with `replacing` swapped for `with` (one edit per case).
func suite(_ replacing: String, _ with: String) -> [String: String] {
    precondition(tinySuite.contains(replacing), "the edit must apply: \(replacing)")
    return ["suite.yaml": tinySuite.replacingOccurrences(of: replacing, with: with)]
}

let pathCases: [BadInput] = [
    BadInput(name: "path: negative size", args: ["path", "vwifi", "--size", "-5", "--out", "$T/out"],
             mentions: ["size", "-5", "out of range", "give a whole number from 18"]),
    BadInput(name: "path: negative packets", args: ["path", "vwifi", "--packets", "-1", "--out", "$T/out"],
             mentions: ["packets", "-1", "give a whole number"]),
    BadInput(name: "path: negative rate", args: ["path", "vwifi", "--rate", "-3", "--out", "$T/out"],
             mentions: ["rate", "out of range", "give a number"]),
    BadInput(name: "path: negative duration", args: ["path", "vwifi", "--duration", "-1", "--out", "$T/out"],
             mentions: ["duration", "out of range", "give a number"]),
    BadInput(name: "path: negative ping count", args: ["path", "native", "--ping", "-10", "--out", "$T/out"],
             mentions: ["ping", "-10", "give a whole number"]),
    BadInput(name: "path: non-numeric packets", args: ["path", "vwifi", "--packets", "many", "--out", "$T/out"],
             mentions: ["packets", "'many'", "whole number"]),
    BadInput(name: "path: payload larger than the MTU", args: ["path", "vwifi", "--size", "3000", "--out", "$T/out"],
             mentions: ["size", "3000", "2268"]),
    BadInput(name: "path: device-model coalescing 0",
             args: ["path", "vwifi", "--coalesce-device-model", "0", "--out", "$T/out"],
             mentions: ["coalesce-device-model", "0 is out of range", "from 1 to 4096"]),
    BadInput(name: "path: device coalescing 0", args: ["path", "passthrough", "--coalesce-device", "0", "--out", "$T/out"],
             mentions: ["coalesce-device", "from 1 to 4096"]),
    BadInput(name: "path: ring size not a power of two", args: ["path", "vwifi", "--ring-size", "100", "--out", "$T/out"],
             mentions: ["ring-size", "power of two"]),
    BadInput(name: "path: unknown path name", args: ["path", "wifi7", "--out", "$T/out"],
             mentions: ["path", "'wifi7'", "native, passthrough, vwifi"]),
    BadInput(name: "path: unknown workload", args: ["path", "vwifi", "--workload", "bulk", "--out", "$T/out"],
             mentions: ["workload", "'bulk'", "udp, ping, idle"]),
    BadInput(name: "path: unknown direction", args: ["path", "vwifi", "--direction", "sideways", "--out", "$T/out"],
             mentions: ["direction", "'sideways'", "tx, rx"]),
    BadInput(name: "path: impossible combination", args: ["path", "native", "--translation", "iommu", "--out", "$T/out"],
             mentions: ["translation", "native", "drop --translation iommu"]),
    BadInput(name: "path: --out is a regular file", args: ["path", "vwifi", "--packets", "200", "--out", "$T/taken"],
             files: ["taken": "not a directory\n"], mentions: ["out", "taken", "not a directory", "remove the file"]),
    BadInput(name: "path: --out below a regular file",
             args: ["path", "vwifi", "--packets", "200", "--out", "$T/taken/results"],
             files: ["taken": "not a directory\n"], mentions: ["out", "'$T/taken' is a file", "choose"]),
    BadInput(name: "path: unknown traffic program", args: ["path", "native", "--traffic", "netperf", "--out", "$T/out"],
             mentions: ["traffic", "'netperf'", "iperf3-udp", "sockperf"]),
    BadInput(name: "path: a program in a VM on the thread trap (its guest has no stack)",
             args: ["path", "vwifi", "--traffic", "iperf3-tcp", "--trap", "thread", "--out", "$T/out"],
             mentions: ["trap", "kvm backend", "--traffic builtin"]),
    BadInput(name: "path: a program in a VM where kvm cannot run (no thread-trap fallback)",
             args: ["path", "passthrough", "--traffic", "ping", "--kvm-device", "$T/no-kvm", "--out", "$T/out"],
             mentions: ["trap", "needs the kvm backend", "--traffic builtin"]),
    BadInput(name: "path: a program through several VMs",
             args: ["path", "vwifi", "--traffic", "ping", "--vms", "2", "--out", "$T/out"],
             mentions: ["vms", "one VM", "--vms 1"]),
    // Found only by running the program (nothing else can tell its flags apart): still exit 2,
    // and the --out directory created for the run is gone again.
    BadInput(name: "path: flags iperf3 rejects", args: ["path", "native", "--traffic", "iperf3-tcp", "--duration", "2",
                                                      "--traffic-args", "--no-such-flag", "--out", "$T/out"],
             mentions: ["traffic-args", "iperf3 rejected them", "--no-such-flag"]),
    BadInput(name: "path: flags ping rejects", args: ["path", "native", "--traffic", "ping", "--ping", "2",
                                                    "--traffic-args", "-Q zz", "--out", "$T/out"],
             mentions: ["traffic-args", "ping rejected them", "zz"]),
    // Tests run as root, which file modes do not stop: procfs refuses new files to everyone.
    BadInput(name: "path: --out not writable (procfs)", args: ["path", "vwifi", "--packets", "200", "--out", "/proc/self"],
             mentions: ["out", "/proc/self", "does not take new files", "choose a writable directory"]),
    BadInput(name: "path: --out cannot be created (procfs)",
             args: ["path", "vwifi", "--packets", "200", "--out", "/proc/vwifi-clitests"],
             mentions: ["out", "cannot create", "/proc/vwifi-clitests", "choose a writable location"]),
]

let suiteCases: [BadInput] = [
    BadInput(name: "suite: malformed YAML", args: ["run", "$T/suite.yaml", "--out", "$T/results"],
             files: ["suite.yaml": "name: [unclosed\nexperiments:\n  - name: a\n"],
             mentions: ["suite.yaml", "not valid YAML", "fix the YAML syntax"]),
    BadInput(name: "suite: empty file", args: ["run", "$T/suite.yaml", "--out", "$T/results"],
             files: ["suite.yaml": ""], mentions: ["suite.yaml", "is empty", "experiments"]),
    BadInput(name: "suite: unknown top-level field", args: ["run", "$T/suite.yaml", "--out", "$T/results"],
             files: suite("repetitions: 1\n", "repetitions: 1\ncolour: blue\n"),
             mentions: ["colour", "unknown field", "use one of", "experiments"]),
    BadInput(name: "suite: unknown experiment field", args: ["run", "$T/suite.yaml", "--out", "$T/results"],
             files: suite("    figure: custom\n", "    figure: custom\n    colour: blue\n"),
             mentions: ["experiments[0].colour", "unknown field", "use one of"]),
    BadInput(name: "suite: unknown option", args: ["run", "$T/suite.yaml", "--out", "$T/results"],
             files: suite("warmup: 10", "warmup: 10, bogus: 1"),
             mentions: ["experiments[0].options.bogus", "unknown option", "use one of"]),
    BadInput(name: "suite: negative size", args: ["run", "$T/suite.yaml", "--out", "$T/results"],
             files: suite("warmup: 10", "warmup: 10, size: -5"),
             mentions: ["experiments[0].options.size", "-5", "give a whole number"]),
    BadInput(name: "suite: negative packets", args: ["run", "$T/suite.yaml", "--out", "$T/results"],
             files: suite("packets: 300", "packets: -300"),
             mentions: ["experiments[0].options.packets", "-300", "give a whole number"]),
    BadInput(name: "suite: negative rate", args: ["run", "$T/suite.yaml", "--out", "$T/results"],
             files: suite("warmup: 10", "warmup: 10, rate: -1"),
             mentions: ["experiments[0].options.rate", "out of range", "give a number"]),
    BadInput(name: "suite: negative duration in defaults", args: ["run", "$T/suite.yaml", "--out", "$T/results"],
             files: suite("counters: \"\"", "counters: \"\", duration: -2"),
             mentions: ["defaults.duration", "out of range", "give a number"]),
    BadInput(name: "suite: payload larger than the MTU", args: ["run", "$T/suite.yaml", "--out", "$T/results"],
             files: suite("warmup: 10", "warmup: 10, size: 5000"),
             mentions: ["experiments[0].options.size", "5000", "2268"]),
    BadInput(name: "suite: coalescing 0", args: ["run", "$T/suite.yaml", "--out", "$T/results"],
             files: suite("warmup: 10", "warmup: 10, coalesce-device-model: 0"),
             mentions: ["experiments[0].options.coalesce-device-model", "from 1 to 4096"]),
    BadInput(name: "suite: unknown path name", args: ["run", "$T/suite.yaml", "--out", "$T/results"],
             files: suite("path: vwifi", "path: wifi7"),
             mentions: ["experiments[0].path", "'wifi7'", "native, passthrough, vwifi"]),
    BadInput(name: "suite: unknown workload", args: ["run", "$T/suite.yaml", "--out", "$T/results"],
             files: suite("warmup: 10", "warmup: 10, workload: bulk"),
             mentions: ["experiments[0].options.workload", "'bulk'", "udp, ping, idle"]),
    BadInput(name: "suite: unknown direction", args: ["run", "$T/suite.yaml", "--out", "$T/results"],
             files: suite("warmup: 10", "warmup: 10, direction: sideways"),
             mentions: ["experiments[0].options.direction", "'sideways'", "tx, rx"]),
    BadInput(name: "suite: unknown figure", args: ["run", "$T/suite.yaml", "--out", "$T/results"],
             files: suite("figure: custom", "figure: fig99"),
             mentions: ["experiments[0].figure", "'fig99'", "use one of"]),
    BadInput(name: "suite: missing file", args: ["run", "$T/nowhere.yaml", "--out", "$T/results"],
             mentions: ["nowhere.yaml", "does not exist", "give the path of a suite file"]),
    BadInput(name: "suite: a directory instead of a file", args: ["run", "$T", "--out", "$T/results"],
             mentions: ["is a directory", "give the path of a suite file"]),
    BadInput(name: "run: unknown --only", args: ["run", "$T/suite.yaml", "--only", "nosuch", "--out", "$T/results"],
             files: ["suite.yaml": tinySuite], mentions: ["--only", "'nosuch'", "alpha"]),
    BadInput(name: "run: negative --repetitions", args: ["run", "$T/suite.yaml", "--repetitions", "-2", "--out", "$T/results"],
             files: ["suite.yaml": tinySuite], mentions: ["--repetitions", "-2", "from 1 to 1000"]),
    BadInput(name: "run: results root is a regular file", args: ["run", "$T/suite.yaml", "--out", "$T/taken"],
             files: ["suite.yaml": tinySuite, "taken": "not a directory\n"],
             mentions: ["out", "taken", "not a directory", "remove the file"]),
    BadInput(name: "run: results root below a regular file", args: ["run", "$T/suite.yaml", "--out", "$T/taken/results"],
             files: ["suite.yaml": tinySuite, "taken": "not a directory\n"],
             mentions: ["out", "'$T/taken' is a file", "choose"]),
    BadInput(name: "run: results root not writable (procfs)", args: ["run", "$T/suite.yaml", "--out", "/proc/self"],
             files: ["suite.yaml": tinySuite], mentions: ["out", "/proc/self", "does not take new files"]),
    BadInput(name: "run: results root cannot be created (procfs)",
             args: ["run", "$T/suite.yaml", "--out", "/proc/vwifi-clitests/results"],
             files: ["suite.yaml": tinySuite], mentions: ["out", "cannot create", "choose a writable location"]),
    BadInput(name: "compare: unknown format", args: ["compare", "$T/a", "$T/b", "--format", "yaml"],
             mentions: ["format", "'yaml'", "table, csv, json, markdown"]),
    BadInput(name: "compare: missing baseline", args: ["compare", "$T/a", "$T/b", "--format", "json"],
             mentions: ["baseline", "$T/a", "no such directory"]),
    BadInput(name: "compare: drift file missing", args: ["compare", "$T/a", "$T/b", "--drift", "$T/none.csv"],
             mentions: ["--drift", "$T/none.csv", "cannot be read", "vwifi-bench drift"]),
    BadInput(name: "compare: drift file of another kind", args: ["compare", "$T/a", "$T/b", "--drift", "$T/other.csv"],
             files: ["other.csv": "a,b\n1,2\n"], mentions: ["--drift", "not a drift file", "vwifi-bench drift"]),
    BadInput(name: "drift: one run", args: ["drift", "--out", "$T/drift.csv", "$T"],
             mentions: ["runs", "1 given", "at least 2"]),
    BadInput(name: "drift: a run that is not a results directory", args: ["drift", "--out", "$T/drift.csv", "$T/missing", "$T"],
             mentions: ["runs", "no such directory"]),
]

@Suite("vwifi-bench bad input")
struct BadInputTests {
    @Test("exit 2, one error line naming the field and the fix, nothing written", arguments: pathCases + suiteCases)
    func rejected(_ input: BadInput) throws {
        let logs = try TemporaryDirectory("bad")
        defer { logs.remove() }
        let scratch = logs.file("work")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: false)
        let expand = { (s: String) in s.replacingOccurrences(of: "$T", with: scratch) }
        for (name, contents) in input.files {
            try expand(contents).write(toFile: (scratch as NSString).appendingPathComponent(name), atomically: false,
                                       encoding: .utf8)
        }
        let before = TemporaryDirectory.listing(scratch)

        let run = try CLIProcess.run(input.args.map(expand), logDirectory: logs.path)

        #expect(run.termination == .exited(2), "\(input.name): \(run.termination?.description ?? "hung") \(run.stderr)")
        let lines = run.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.count == 1, "\(input.name): expected one error line, got:\n\(run.stderr)")
        let line = String(lines.first ?? "")
        #expect(line.hasPrefix("error: "), "\(input.name): \(line)")
        for word in input.mentions.map(expand) {
            #expect(line.contains(word), "\(input.name): '\(word)' missing from: \(line)")
        }
        for noise in ["Fatal error", "Stack dump", "Backtrace", "Usage:", "Error Domain="] {
            #expect(!run.stderr.contains(noise), "\(input.name): \(noise) in:\n\(run.stderr)")
        }
        #expect(run.stdout.isEmpty, "\(input.name): stdout should be empty, got:\n\(run.stdout)")
        // No partial output: the scratch directory is exactly as before (no results directory,
        // no temporary or probe file, the pre-existing file unchanged).
        #expect(TemporaryDirectory.listing(scratch) == before, "\(input.name): files changed")
        for (name, contents) in input.files {
            let now = try? String(contentsOfFile: (scratch as NSString).appendingPathComponent(name), encoding: .utf8)
            #expect(now == expand(contents), "\(input.name): \(name) was modified")
        }
    }

    /// Flags the argument parser itself rejects keep its short usage hint; still status 2, one
    /// `Error:` line first, and nothing run.
    @Test("argument-parser errors: exit 2, the error first, a short usage hint")
    func unknownFlag() throws {
        let logs = try TemporaryDirectory("flag")
        defer { logs.remove() }
        let run = try CLIProcess.run(["path", "vwifi", "--bogus", "3", "--out", logs.file("out")], logDirectory: logs.path)
        #expect(run.termination == .exited(2))
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.first?.hasPrefix("Error: Unknown option '--bogus'") == true, "\(run.stderr)")
        #expect(lines.count <= 4, "a hint, not the whole help:\n\(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: logs.file("out")))
    }
}
