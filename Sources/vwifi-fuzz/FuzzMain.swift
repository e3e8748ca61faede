// vwifi-fuzz: the fuzz targets of Sources/Fuzzing as one program, in two builds.
//   make fuzz-build (swift build --sanitize=fuzzer --sanitize=address -Xswiftc -DVWIFI_LIBFUZZER):
//     libFuzzer's own main runs; `vwifi-fuzz <target> [libFuzzer flags] [corpus dirs]`.
//   an ordinary swift build: a corpus replayer, `vwifi-fuzz <target> <file-or-dir>...`, plus
//     `vwifi-fuzz list` and `vwifi-fuzz seed <target> <dir>` (writes the generated seeds).
// Under --sanitize=fuzzer SwiftPM compiles this file as a library (libFuzzer brings `main`), so
// the replayer's @main is compiled only without VWIFI_LIBFUZZER; this must stay the target's
// only file (one file not named main.swift is what lets @main and the library mode coexist).
import Foundation
import Fuzzing

/// The target libFuzzer drives.
// SAFETY: no lock needed: libFuzzer sets it once in LLVMFuzzerInitialize, before any input runs,
// and runs inputs on one thread.
nonisolated(unsafe) private var libFuzzerTarget: FuzzTarget?

private func usage() -> String {
    "usage: vwifi-fuzz <target> [libFuzzer flags] <corpus-dir-or-file>...\n"
        + "       vwifi-fuzz list | seed <target> <dir>\ntargets:\n"
        + FuzzTarget.all.map { "  \($0.name)  \($0.summary)" }.joined(separator: "\n")
}

private func fail(_ message: String, status: Int32 = 2) -> Never {
    FileHandle.standardError.write((message + "\n").data(using: .utf8)!)
    exit(status)
}

/// libFuzzer calls this before it reads its flags: the first argument names the target (or
/// VWIFI_FUZZ_TARGET does, which survives libFuzzer re-executing itself); it is removed so
/// libFuzzer does not take it for a corpus directory.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<Int32>,
                             _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    // SAFETY: libFuzzer passes main's live argc/argv (argv[argc] is NULL); argv[1] exists when argc > 1,
    // and shifting down to index argc keeps every access in [0, argc].
    let args = argv.pointee!
    if argc.pointee > 1, let first = args[1], let target = FuzzTarget.named(String(cString: first)) {
        libFuzzerTarget = target
        for i in 1..<Int(argc.pointee) { args[i] = args[i + 1] }  // argv[argc] is the terminating NULL
        argc.pointee -= 1
    } else if let name = ProcessInfo.processInfo.environment["VWIFI_FUZZ_TARGET"], let target = FuzzTarget.named(name) {
        libFuzzerTarget = target
    } else {
        fail(usage())
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    libFuzzerTarget?.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

#if !VWIFI_LIBFUZZER
@main
struct CorpusReplayer {
    static func main() {
        var args = Array(CommandLine.arguments.dropFirst())
        guard let command = args.first else { fail(usage()) }
        args.removeFirst()
        if command == "list" {
            print(FuzzTarget.all.map { "\($0.name)\t\($0.summary)" }.joined(separator: "\n"))
            return
        }
        if command == "seed" {
            guard args.count == 2, let target = FuzzTarget.named(args[0]) else { fail(usage()) }
            guard let seeds = target.generatedSeeds else { fail("\(target.name): its corpus is hand-written; nothing to generate") }
            do {
                try FileManager.default.createDirectory(atPath: args[1], withIntermediateDirectories: true)
                for seed in seeds {
                    try Data(seed.bytes).write(to: URL(fileURLWithPath: args[1]).appendingPathComponent(seed.name))
                }
            } catch { fail("cannot write seeds to \(args[1]): \(error.localizedDescription)") }
            print("\(target.name): wrote \(seeds.count) seeds to \(args[1])")
            return
        }
        guard let target = FuzzTarget.named(command) else { fail("unknown target '\(command)'\n" + usage()) }
        let flags = args.filter { $0.hasPrefix("-") }
        if !flags.isEmpty {
            print("note: this build replays a corpus; libFuzzer flags (\(flags.joined(separator: " "))) need `make fuzz-build`")
        }
        let paths = args.filter { !$0.hasPrefix("-") }
        guard !paths.isEmpty else { fail(usage()) }
        let files: [String]
        do { files = try FuzzCorpus.files(paths) } catch { fail("\(error)") }
        var failed = 0
        for file in files {
            let bytes: [UInt8]
            do { bytes = try FuzzCorpus.bytes(file) } catch { fail("cannot read \(file): \(error.localizedDescription)") }
            let problems = target.check(bytes)
            if !problems.isEmpty {
                failed += 1
                print("\(file): " + problems.joined(separator: "; "))
            }
        }
        print("\(target.name): \(files.count) inputs replayed, \(failed) with violations")
        if failed > 0 { exit(1) }
    }
}
#endif
