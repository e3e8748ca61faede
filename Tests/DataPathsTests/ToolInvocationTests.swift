import Foundation
import Testing
@testable import DataPaths

@Suite struct ToolInvocationTests {
    static func config(_ traffic: Traffic, _ direction: Direction = .tx, duration: Double? = nil,
                       rate: Double? = nil, size: Int? = nil, args: [String] = []) -> PathConfig {
        var c = PathConfig(path: .native)
        c.traffic = traffic
        c.direction = direction
        c.duration = duration
        c.rate = rate
        if let size { c.size = size }
        c.trafficArgs = args
        return c
    }

    static func invocation(_ c: PathConfig) throws -> ToolInvocation {
        try #require(try ToolInvocation(c))
    }

    @Test func builtinRunsNoProgram() throws {
        #expect(try ToolInvocation(Self.config(.builtin)) == nil)
    }

    @Test func iperf3UDPSaturatesOrPacesAndTurnsWithTheDirection() throws {
        let tx = try Self.invocation(Self.config(.iperf3UDP, duration: 2.5, args: ["-P", "2"]))
        #expect(tx.server?.argv == ["iperf3", "-s", "-B", "198.18.0.2", "-1"])
        #expect(tx.readiness == .listening(.tcp, port: 5201))
        #expect(tx.client.argv == ["iperf3", "-c", "198.18.0.2", "-u", "-l", "1450", "-b", "0",
                                   "-t", "3", "--json", "-P", "2"])
        #expect(tx.seconds == 3)
        // 1000 packets/s of 1450 bytes: 11.6 Mbit/s of payload.
        let paced = try Self.invocation(Self.config(.iperf3UDP, .rx, rate: 1000))
        #expect(paced.client.arguments == ["-c", "198.18.0.2", "-u", "-l", "1450", "-b", "11600000",
                                           "-t", "10", "--json", "-R"])
        let both = try Self.invocation(Self.config(.iperf3UDP, .bidir, duration: 1, size: 200))
        #expect(both.client.arguments == ["-c", "198.18.0.2", "-u", "-l", "200", "-b", "0", "-t", "1", "--json", "--bidir"])
    }

    @Test func iperf3TCPWrites1448BytesUnlessTheSizeIsChosen() throws {
        let tx = try Self.invocation(Self.config(.iperf3TCP))
        #expect(tx.client.arguments == ["-c", "198.18.0.2", "-l", "1448", "-t", "10", "--json"])
        #expect(tx.server?.arguments == ["-s", "-B", "198.18.0.2", "-1"])
        let rx = try Self.invocation(Self.config(.iperf3TCP, .rx, duration: 10, size: 1000, args: ["-w", "4M"]))
        #expect(rx.client.arguments == ["-c", "198.18.0.2", "-l", "1000", "-t", "10", "--json", "-R", "-w", "4M"])
        let bidir = try Self.invocation(Self.config(.iperf3TCP, .bidir, duration: 0.2))
        #expect(bidir.client.arguments == ["-c", "198.18.0.2", "-l", "1448", "-t", "1", "--json", "--bidir"])
        #expect(bidir.seconds == 1)
        let paced = try Self.invocation(Self.config(.iperf3TCP, rate: 100))
        #expect(paced.client.arguments == ["-c", "198.18.0.2", "-l", "1448", "-b", "1158400", "-t", "10", "--json"])
    }

    @Test func pingTargetsThePeerWithItsCountIntervalAndTimeout() throws {
        var c = Self.config(.ping, args: ["-s", "100"])
        c.pingCount = 50
        c.pingIntervalMs = 5
        c.pingTimeoutMs = 500
        let ping = try Self.invocation(c)
        #expect(ping.server == nil && ping.readiness == .none && ping.seconds == nil)
        #expect(ping.client.argv == ["ping", "-n", "-c", "50", "-i", "0.005", "-W", "0.5", "198.18.0.2", "-s", "100"])
        c.pingTimeoutMs = 1000
        c.pingIntervalMs = 0.5
        #expect(try Self.invocation(c).client.arguments.prefix(7) == ["-n", "-c", "50", "-i", "0.0005", "-W", "1"])
    }

    @Test func sockperfPingPongReportsRoundTrips() throws {
        let pp = try Self.invocation(Self.config(.sockperf, duration: 5, size: 64))
        #expect(pp.server?.argv == ["sockperf", "server", "-i", "198.18.0.2"])
        #expect(pp.readiness == .listening(.udp, port: 11111))
        #expect(pp.client.argv == ["sockperf", "ping-pong", "-i", "198.18.0.2", "-t", "5", "-m", "64", "--full-rtt"])
        let paced = try Self.invocation(Self.config(.sockperf, rate: 2000, args: ["--tcp"]))
        #expect(paced.client.arguments.suffix(3) == ["--mps", "2000", "--tcp"])
    }

    @Test func roundTripToolsRefuseAnotherDirection() {
        for traffic in [Traffic.ping, .sockperf] {
            for direction in [Direction.rx, .bidir] {
                do {
                    _ = try ToolInvocation(Self.config(traffic, direction))
                    Issue.record("\(traffic) accepted \(direction)")
                } catch {
                    #expect(error.field == "direction")
                    #expect(error.fix.contains(traffic.rawValue))
                }
            }
        }
    }

    @Test func readinessReadsListeningAndBoundSocketsFromProcNet() {
        // Lines from this machine's /proc/net/tcp and udp with iperf3 -s and sockperf server up.
        let tcp = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:1451 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 11074417 1 0000000076f33d16 100 0 0 10 0
            """
        let udp = """
               sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
             2652: 0100007F:2B67 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 11074645 2 00000000e3b15783 0
            """
        #expect(ToolReadiness.listening(.tcp, port: 5201).isSatisfied(procNet: tcp))
        #expect(!ToolReadiness.listening(.tcp, port: 5202).isSatisfied(procNet: tcp))
        #expect(!ToolReadiness.listening(.tcp, port: 5201).isSatisfied(procNet: tcp.replacingOccurrences(of: " 0A ", with: " 01 ")))
        #expect(ToolReadiness.listening(.udp, port: 11111).isSatisfied(procNet: udp))
        #expect(!ToolReadiness.listening(.udp, port: 11111).isSatisfied(procNet: tcp))
        #expect(ToolReadiness.none.isSatisfied(procNet: ""))
        #expect(ToolReadiness.none.isSatisfied(serverPID: getpid()))
        #expect(!ToolReadiness.listening(.udp, port: 11111).isSatisfied(serverPID: -1))
    }

    @Test func aMissingProgramNamesItsPackage() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tools-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for traffic in Traffic.allCases where traffic.isTool {
            do {
                try ToolInvocation.checkInstalled(traffic, searchPath: dir)
                Issue.record("\(traffic) found in an empty directory")
            } catch {
                #expect(error.field == "traffic")
                #expect(error.problem.contains(traffic.executable!.name))
                #expect(error.fix.contains("apt-get install \(traffic.executable!.package)"))
            }
        }
        // A file of that name that is not executable does not count; one that is, does.
        let fake = dir + "/sockperf"
        #expect(FileManager.default.createFile(atPath: fake, contents: Data("#!/bin/sh\n".utf8)))
        #expect(throws: ConfigError.self) { try ToolInvocation.checkInstalled(.sockperf, searchPath: dir) }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake)
        #expect(try ToolInvocation.checkInstalled(.sockperf, searchPath: "/nonexistent:" + dir) == fake)
        #expect(try ToolInvocation.checkInstalled(.builtin, searchPath: dir) == nil)
    }
}
