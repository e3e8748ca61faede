import Foundation
import Measurement

/// External programs the harness uses: gnuplot (charts) and the traffic programs (`--traffic`).
public struct ToolsSection: Codable, Sendable, Equatable {
    public var gnuplot: Tool
    /// `--traffic iperf3-udp|iperf3-tcp`.
    public var iperf3: Tool
    /// `--traffic ping`.
    public var ping: Tool
    /// `--traffic sockperf`.
    public var sockperf: Tool

    public struct Tool: Codable, Sendable, Equatable {
        public var available: Bool
        public var path: String?
        /// The first line the program prints for its version flag.
        public var version: String?
        public var reason: String
    }

    public init(gnuplot: Tool, iperf3: Tool, ping: Tool, sockperf: Tool) {
        self.gnuplot = gnuplot
        self.iperf3 = iperf3
        self.ping = ping
        self.sockperf = sockperf
    }

    /// Every tool with its name, in the order the table lists them.
    public var all: [(name: String, tool: Tool)] {
        [("gnuplot", gnuplot), ("iperf3", iperf3), ("ping", ping), ("sockperf", sockperf)]
    }

    public static func probe() -> ToolsSection {
        ToolsSection(
            gnuplot: probeTool("gnuplot", versionArgument: "--version",
                               install: "apt-get install gnuplot-nox (charts are skipped without it)"),
            iperf3: probeTool("iperf3", versionArgument: "--version",
                              install: "apt-get install iperf3 (or make deps; --traffic iperf3-udp/iperf3-tcp need it)"),
            ping: probeTool("ping", versionArgument: "-V",
                            install: "apt-get install iputils-ping (or make deps; --traffic ping needs it)"),
            sockperf: probeTool("sockperf", versionArgument: "--version",
                                install: "apt-get install sockperf (or make deps; --traffic sockperf needs it)"))
    }

    static func probeTool(_ name: String, versionArgument: String, install: String) -> Tool {
        guard let path = ExecutableSearch.locate(name) else {
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
        // iperf3 and sockperf add build details on further lines; the first names the version.
        let text = String(decoding: data, as: UTF8.self).trimmedWhitespace
        let version = text.split(separator: "\n").first.map { $0.trimmedWhitespace } ?? ""
        guard process.terminationStatus == 0 else {
            return Tool(available: false, path: path, version: version.isEmpty ? nil : version,
                        reason: "\(path) \(versionArgument) exited with status \(process.terminationStatus)")
        }
        return Tool(available: true, path: path, version: version, reason: "")
    }
}
