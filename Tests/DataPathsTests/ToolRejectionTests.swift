import Testing
@testable import DataPaths

/// The clients' real refusals (captured on this machine) are `traffic-args` errors; their real
/// run failures are not.
@Suite struct ToolRejectionTests {
    @Test func iperf3UnknownOptionAndParameterError() throws {
        let unknown = try #require(ToolInvocation.rejection(of: .iperf3UDP, status: 1, stdout: "",
                                                            stderr: Iperf3Fixtures.unknownOptionStderr, trafficArgs: ["--bogus"]))
        #expect(unknown.field == "traffic-args")
        #expect(unknown.problem == "iperf3 rejected them (--traffic-args --bogus): unrecognized option '--bogus'")
        #expect(unknown.fix.contains("iperf3 --help"))
        let parameter = try #require(ToolInvocation.rejection(of: .iperf3TCP, status: 1, stdout: Iperf3Fixtures.parameterErrorStdout,
                                                              stderr: Iperf3Fixtures.parameterErrorStderr, trafficArgs: ["-R"]))
        #expect(parameter.problem.hasSuffix(": parameter error - cannot be both reverse and bidirectional"))
    }

    @Test func iperf3SocketOptionTheUserAskedForIsAnArgumentError() throws {
        let cc = try #require(ToolInvocation.rejection(of: .iperf3TCP, status: 0, stdout: Iperf3Fixtures.congestionControlRefused,
                                                       stderr: "", trafficArgs: ["-C", "bogus"]))
        #expect(cc.field == "traffic-args")
        #expect(cc.problem.hasSuffix(": unable to set TCP_CONGESTION: Supplied congestion control algorithm not supported on this host"))
        // Without user flags the harness asked for no socket option: a run failure, not theirs.
        #expect(ToolInvocation.rejection(of: .iperf3TCP, status: 0, stdout: Iperf3Fixtures.congestionControlRefused,
                                         stderr: "", trafficArgs: []) == nil)
    }

    @Test func iperf3RunFailuresAreNotArgumentErrors() {
        // --json: a refused connection is exit 0 with a JSON "error"; without it, exit 1.
        #expect(ToolInvocation.rejection(of: .iperf3TCP, status: 0, stdout: Iperf3Fixtures.connectionRefused,
                                         stderr: "", trafficArgs: ["-P", "2"]) == nil)
        #expect(ToolInvocation.rejection(of: .iperf3TCP, status: 1, stdout: "",
                                         stderr: "iperf3: error - unable to connect to server: Connection refused",
                                         trafficArgs: []) == nil)
        #expect(ToolInvocation.rejection(of: .iperf3UDP, status: 0, stdout: Iperf3Fixtures.udp, stderr: "", trafficArgs: []) == nil)
    }

    @Test func pingBadOptionAndBadValueButNotLossOrUnreachable() throws {
        let option = try #require(ToolInvocation.rejection(of: .ping, status: 2, stdout: "",
                                                           stderr: PingFixtures.unknownOptionStderr, trafficArgs: ["--bogus"]))
        #expect(option.problem.hasSuffix("ping rejected them (--traffic-args --bogus): invalid option -- '-'"))
        let value = try #require(ToolInvocation.rejection(of: .ping, status: 1, stdout: "",
                                                          stderr: PingFixtures.invalidArgumentStderr, trafficArgs: ["-c", "abc"]))
        #expect(value.problem.hasSuffix(": invalid argument: 'abc'"))
        #expect(ToolInvocation.rejection(of: .ping, status: 1, stdout: PingFixtures.noReply, stderr: "", trafficArgs: []) == nil)
        #expect(ToolInvocation.rejection(of: .ping, status: 0, stdout: PingFixtures.replies, stderr: "", trafficArgs: []) == nil)
        #expect(ToolInvocation.rejection(of: .ping, status: 2, stdout: "", stderr: PingFixtures.unreachableStderr,
                                         trafficArgs: []) == nil)
    }

    @Test func sockperfRefusesWithExitZero() throws {
        let duration = try #require(ToolInvocation.rejection(of: .sockperf, status: 0, stdout: SockperfFixtures.invalidDuration,
                                                             stderr: "", trafficArgs: ["-t", "abc"]))
        #expect(duration.problem.hasSuffix(": '-t' Invalid duration: abc"))
        let unknown = try #require(ToolInvocation.rejection(of: .sockperf, status: 0, stdout: SockperfFixtures.unknownOption,
                                                            stderr: "", trafficArgs: ["--bogus"]))
        #expect(unknown.problem.contains("printed its usage"))
        for ran in [SockperfFixtures.roundTrip, SockperfFixtures.noServer] {
            #expect(ToolInvocation.rejection(of: .sockperf, status: 0, stdout: ran, stderr: "", trafficArgs: []) == nil)
        }
        #expect(ToolInvocation.rejection(of: .builtin, status: 2, stdout: "Usage", stderr: "", trafficArgs: []) == nil)
    }
}
