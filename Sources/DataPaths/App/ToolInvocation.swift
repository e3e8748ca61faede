// The command lines of a real traffic program (`--traffic`): its server, run in the peer
// namespace behind the access point, and its client, run in the station's namespace. Pure: the
// coordinator runs them; this only decides what they are, from the run's configuration.
import Measurement

public struct ToolInvocation: Sendable, Equatable {
    /// One program and its arguments (no shell: each element is one argv entry).
    public struct Command: Sendable, Equatable {
        /// The program's name, looked up on PATH (`checkInstalled` gives its location).
        public var executable: String
        public var arguments: [String]
        /// argv as exec sees it, the program's name first.
        public var argv: [String] { [executable] + arguments }
    }

    public var traffic: Traffic
    /// The server side (peer namespace); nil for ping, whose target is the peer's own kernel.
    public var server: Command?
    /// What tells the coordinator that the server is ready for the client.
    public var readiness: ToolReadiness
    /// The client side (station namespace), the user's `--traffic-args` last.
    public var client: Command
    /// Whole seconds the client is told to run (iperf3 and sockperf read `-t` as an integer, so a
    /// fractional `--duration` is rounded up); nil for ping, which counts requests instead.
    public var seconds: Int?

    /// The station's address (its TUN interface in the station namespace).
    public static let stationAddress = "198.18.0.1"
    /// The peer's address behind the access point, where the server listens.
    public static let peerAddress = "198.18.0.2"
    /// A tool run's length when `--duration` is not given.
    public static let defaultSeconds = 10
    /// The write size of iperf3 TCP by default: the paper's iPerf runs wrote 1448 bytes (one MSS
    /// of a 1500-byte MTU with TCP timestamps).
    public static let tcpWriteBytes = 1448
    /// iperf3's control port (TCP, for UDP tests too) and sockperf's UDP port: both tools' defaults.
    public static let iperf3Port = 5201
    public static let sockperfPort = 11111

    /// The commands for `config.traffic`; nil for the builtin generator. Throws when the traffic
    /// cannot do what the configuration asks (a direction a round-trip tool has not).
    public init?(_ config: PathConfig) throws(ConfigError) {
        let traffic = config.traffic
        guard let program = traffic.executable?.name else { return nil }
        self.traffic = traffic
        let peer = Self.peerAddress
        switch traffic {
        case .builtin:
            return nil
        case .iperf3UDP, .iperf3TCP:
            let seconds = Self.wholeSeconds(config.duration)
            let udp = traffic == .iperf3UDP
            var args = ["-c", peer]
            if udp {
                // -b is payload bits per second: `rate` packets of `size` bytes; 0 saturates.
                let bits = config.rate.map { Int(($0 * Double(config.size) * 8).rounded()) } ?? 0
                args += ["-u", "-l", String(config.size), "-b", String(bits)]
            } else {
                let length = config.size == PathConfig(path: config.path).size ? Self.tcpWriteBytes : config.size
                args += ["-l", String(length)]
                if let rate = config.rate {
                    args += ["-b", String(Int((rate * Double(length) * 8).rounded()))]
                }
            }
            args += ["-t", String(seconds), "--json"]
            switch config.direction {
            case .tx: break
            case .rx: args.append("-R")
            case .bidir: args.append("--bidir")
            }
            server = Command(executable: program, arguments: ["-s", "-B", peer, "-1"])
            readiness = .listening(.tcp, port: Self.iperf3Port)
            client = Command(executable: program, arguments: args + config.trafficArgs)
            self.seconds = seconds
        case .ping:
            try Self.requireRoundTrip(config, tool: program)
            let args = ["-n", "-c", String(config.pingCount),
                        "-i", Self.secondsText(ms: config.pingIntervalMs),
                        "-W", Self.secondsText(ms: config.pingTimeoutMs), peer]
            server = nil
            readiness = .none
            // ping reads options after the destination too (getopt permutes), later ones winning.
            client = Command(executable: program, arguments: args + config.trafficArgs)
            seconds = nil
        case .sockperf:
            try Self.requireRoundTrip(config, tool: program)
            let seconds = Self.wholeSeconds(config.duration)
            // --full-rtt: sockperf reports round trips, as ping and the harness's stamps do
            // (without it, it halves them and calls that latency).
            var args = ["ping-pong", "-i", peer, "-t", String(seconds), "-m", String(config.size), "--full-rtt"]
            if let rate = config.rate { args += ["--mps", String(Int(rate.rounded()))] }
            server = Command(executable: program, arguments: ["server", "-i", peer])
            readiness = .listening(.udp, port: Self.sockperfPort)
            client = Command(executable: program, arguments: args + config.trafficArgs)
            self.seconds = seconds
        }
    }

    /// `duration` as the whole seconds the tools accept, rounded up so a run is never shorter
    /// than asked; the default when count-bounded.
    static func wholeSeconds(_ duration: Double?) -> Int {
        guard let duration, duration.isFinite, duration > 0 else { return defaultSeconds }
        return max(1, Int(duration.rounded(.up)))
    }

    /// Milliseconds as seconds in decimal (ping's -i and -W take fractional seconds).
    static func secondsText(ms: Double) -> String {
        NumberFormat.trimmed(ms / 1000, decimals: 6)
    }

    private static func requireRoundTrip(_ config: PathConfig, tool: String) throws(ConfigError) {
        guard config.direction == .tx else {
            throw ConfigError(field: "direction", problem: "\(tool) measures request/response round trips",
                              fix: "drop --direction \(config.direction.rawValue) with --traffic \(config.traffic.rawValue)")
        }
    }
}
