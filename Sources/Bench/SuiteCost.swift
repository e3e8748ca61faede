// Suite cost: wall time of a whole suite run (`vwifi-bench run SUITE [--quick]`) as a child
// process, so it is measured exactly as a user runs it.
import Foundation

public enum SuiteCost {
    /// Seconds from launch to exit of `executable run suite [--quick] --out DIR`. Throws when the
    /// run fails (its exit status and the tail of its error output are in the message).
    public static func wallSeconds(executable: String, suite: String, quick: Bool, outDirectory: String) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["run", suite, "--out", outDirectory] + (quick ? ["--quick"] : [])
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        let start = DispatchTime.now().uptimeNanoseconds
        try process.run()
        let errorText = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        guard process.terminationStatus == 0 else {
            let tail = String(decoding: errorText.suffix(400), as: UTF8.self)
            throw BenchError.harness("suite run exited \(process.terminationStatus): \(tail)")
        }
        return seconds
    }
}
