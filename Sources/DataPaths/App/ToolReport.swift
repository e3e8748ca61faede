// A traffic program's own report, parsed from its client's standard output, for result.json.
// Exactly one of the tool fields is set, the one `traffic` names.
public struct ToolReport: Codable, Sendable, Equatable {
    public var traffic: Traffic
    /// The client's command line as run (the harness's flags, then the user's).
    public var clientArgv: [String]
    public var iperf3: Iperf3Report?
    public var ping: PingReport?
    public var sockperf: SockperfReport?

    public init(traffic: Traffic, clientArgv: [String]) {
        self.traffic = traffic
        self.clientArgv = clientArgv
    }

    /// Parses `output` as `traffic`'s client prints it. Throws naming the tool and the missing part.
    public static func parse(_ traffic: Traffic, output: String, clientArgv: [String]) throws(ToolOutputError) -> ToolReport {
        var report = ToolReport(traffic: traffic, clientArgv: clientArgv)
        switch traffic {
        case .builtin:
            throw ToolOutputError(tool: "builtin", missing: "program output (the builtin generator runs no program)")
        case .iperf3UDP, .iperf3TCP: report.iperf3 = try Iperf3Report.parse(output)
        case .ping: report.ping = try PingReport.parse(output)
        case .sockperf: report.sockperf = try SockperfReport.parse(output)
        }
        return report
    }

    /// The tool's own failure message, when it reported one (iperf3's JSON "error").
    public var toolError: String? { iperf3?.error }
}
