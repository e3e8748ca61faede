// vwifi-bench: the command-line face of VirtualWiFiBench. Each sub-command lives in its own
// file and only parses, calls a library module and prints.
import ArgumentParser
import DataPaths
import Foundation

struct VWiFiBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vwifi-bench",
        abstract: "Benchmark and profile the Native, VM-Passthrough and Virtual WiFi data paths.",
        version: ToolVersion.string,
        subcommands: [DoctorCommand.self, PathCommand.self, RunCommand.self, PlotCommand.self, CompareCommand.self,
                      BenchCommand.self, ReportCommand.self, MergeCommand.self, DriftCommand.self])
}

/// Exit statuses: 0 success, 2 bad input (one clear line on stderr), 3 regression (compare),
/// 130 interrupted by SIGINT, 143 by SIGTERM (128 + the signal), 1 any other failure.
@main
enum Main {
    static func main() {
        do {
            var command = try VWiFiBench.parseAsRoot()
            try command.run()
        } catch let error as ConfigError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            exit(2)
        } catch let error as ExitCode {
            exit(error.rawValue)
        } catch {
            let code = VWiFiBench.exitCode(for: error)
            if code == .success {
                VWiFiBench.exit(withError: error)
            }
            if code == .validationFailure {
                // Argument errors (unknown flag, missing value): one message, usage, exit 2.
                FileHandle.standardError.write(Data((VWiFiBench.fullMessage(for: error) + "\n").utf8))
                exit(2)
            }
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            exit(1)
        }
    }
}
