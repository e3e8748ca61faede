import Foundation
import Measurement

/// External programs the harness uses (charts).
public struct ToolsSection: Codable, Sendable, Equatable {
    public var gnuplot: Tool

    public struct Tool: Codable, Sendable, Equatable {
        public var available: Bool
        public var path: String?
        public var version: String?
        public var reason: String
    }

    public static func probe() -> ToolsSection {
        ToolsSection(gnuplot: probeTool("gnuplot", versionArgument: "--version",
                                        install: "apt-get install gnuplot-nox (charts are skipped without it)"))
    }

    static func probeTool(_ name: String, versionArgument: String, install: String) -> Tool {
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let path = searchPath.split(separator: ":").map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path else {
            return Tool(available: false, path: nil, version: nil, reason: "\(name) not found on PATH; \(install)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = [versionArgument]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do {
            try process.run()
        } catch {
            return Tool(available: false, path: path, version: nil, reason: "\(path) does not run: \(error)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let version = String(decoding: data, as: UTF8.self).trimmedWhitespace
        guard process.terminationStatus == 0 else {
            return Tool(available: false, path: path, version: version.isEmpty ? nil : version,
                        reason: "\(path) \(versionArgument) exited with status \(process.terminationStatus)")
        }
        return Tool(available: true, path: path, version: version, reason: "")
    }
}
