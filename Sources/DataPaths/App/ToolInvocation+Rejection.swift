// Telling "the tool refused its arguments" from "the run failed". No tool offers a dry run that
// checks flags, so the client's own exit is read. Measured on this machine:
// - iperf3 3.12: exit 1, "iperf3: unrecognized option '--x'" or "iperf3: parameter error - ..."
//   on stderr, usage on stdout; a run failure with --json is exit 0 with a JSON "error" instead,
//   among them a socket option it could not set ("unable to set TCP_CONGESTION: ...", from -C;
//   "unable to set TCP/SCTP MSS: ..." from -M), which only the user's flags ask for.
// - ping (iputils 20221126): exit 2 (bad option, with "Usage") or 1 ("ping: invalid argument:
//   'abc'", "ping: bad linger time: -1"), before its "PING" header; a run without replies has
//   the header (exit 1), an unreachable network says "connect: Network is unreachable" (exit 2).
// - sockperf 3.7: exit 0 even then: a message such as "sockperf: '-t' Invalid duration: abc"
//   (none for an unknown option) and its usage, and never "Starting test".
extension ToolInvocation {
    /// A ConfigError on `traffic-args` when the client's exit shows it rejected its command line,
    /// nil when it ran (or failed for another reason: the caller reports that as the run's failure).
    public static func rejection(of traffic: Traffic, status: Int32, stdout: String, stderr: String,
                                 trafficArgs: [String]) -> ConfigError? {
        guard let tool = traffic.executable?.name else { return nil }
        let text = stderr + "\n" + stdout
        let started: Bool
        let usage: Bool
        switch traffic {
        case .builtin:
            return nil
        case .iperf3UDP, .iperf3TCP:
            started = stdout.contains("\"start\"") || stdout.contains("Connecting to host")
            usage = status != 0 && ["unrecognized option", "option requires an argument", "invalid option",
                                    "parameter error", "Usage: iperf3"].contains { text.contains($0) }
        case .ping:
            started = stdout.split(separator: "\n").contains { $0.hasPrefix("PING ") }
            let network = ["Network is unreachable", "connect:", "sendmsg:", "socket:"].contains { text.contains($0) }
            usage = status != 0 && !network
        case .sockperf:
            started = text.contains("Starting test") || text.contains("Warmup stage")
            usage = text.contains("Usage: sockperf")
        }
        if traffic == .iperf3TCP || traffic == .iperf3UDP, !trafficArgs.isEmpty,
           let error = (try? Iperf3Report.parse(stdout))?.error, error.hasPrefix("unable to set ") {
            return rejected(tool, message: error, trafficArgs: trafficArgs)
        }
        guard usage && !started else { return nil }
        return rejected(tool, message: firstMessage(of: tool, in: text), trafficArgs: trafficArgs)
    }

    private static func rejected(_ tool: String, message: String?, trafficArgs: [String]) -> ConfigError {
        let message = message
            ?? "it printed its usage (an option it does not know?)"
        let given = trafficArgs.isEmpty ? "" : " (--traffic-args \(trafficArgs.joined(separator: " ")))"
        return ConfigError(field: "traffic-args", problem: "\(tool) rejected them\(given): \(message)",
                           fix: "fix or drop --traffic-args: they go last on the \(tool) client's command line (see \(tool) --help)")
    }

    /// The tool's first line naming itself ("iperf3: ...", "ping: ...", "sockperf: '-t' ..."),
    /// without the name.
    static func firstMessage(of tool: String, in text: String) -> String? {
        let prefix = tool + ": "
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmedWhitespace
            if trimmed.hasPrefix(prefix) && trimmed.count > prefix.count {
                return String(trimmed.dropFirst(prefix.count))
            }
        }
        return nil
    }
}
