import Foundation
import Testing
@testable import DataPaths

@Suite struct ToolReportTests {
    /// Foundation's JSON reader may round the 17th significant digit differently from the text.
    static func close(_ a: Double?, _ b: Double) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= abs(b) * 1e-14
    }

    @Test func iperf3UDPGivesGoodputLossJitterAndCPU() throws {
        let r = try Iperf3Report.parse(Iperf3Fixtures.udp)
        #expect(r.version == "iperf 3.12" && r.transport == "UDP" && r.error == nil)
        #expect(r.directions.count == 1)
        let tx = try #require(r.directions.first)
        #expect(tx.direction == .tx)
        #expect(Self.close(tx.received?.bitsPerSecond, 9984393.1449660156))
        #expect(abs((r.goodputMbps(.tx) ?? 0) - 9.984393) < 1e-6)
        #expect(tx.sent?.bytes == 1249900 && tx.received?.bytes == 1249900)
        #expect(tx.sent?.packets == 862 && tx.received?.lostPackets == 0 && tx.received?.lostPercent == 0)
        #expect(Self.close(tx.received?.jitterMs, 0.024022786582588506))
        #expect(tx.received?.seconds == 1.001483 && tx.sent?.seconds == 1.000228)
        #expect(tx.sent?.retransmits == nil)
        let cpu = try #require(r.cpu)
        #expect(Self.close(cpu.hostTotal, 5.50007782846606) && cpu.hostUser == 0 && Self.close(cpu.hostSystem, 5.5001776085507537))
        #expect(Self.close(cpu.remoteTotal, 0.9899240232812877) && Self.close(cpu.remoteUser, 0.99002387440326467))
        #expect(cpu.remoteSystem == 0)
        #expect(r.goodputMbps(.rx) == nil)
    }

    @Test func iperf3ReverseIsTheStationsRXAndBidirHasBoth() throws {
        let rx = try Iperf3Report.parse(Iperf3Fixtures.udpReverse)
        #expect(rx.directions.map(\.direction) == [.rx])
        #expect(Self.close(rx.directions[0].received?.bitsPerSecond, 10009368.66028158))
        let both = try Iperf3Report.parse(Iperf3Fixtures.udpBidir)
        #expect(both.directions.map(\.direction) == [.tx, .rx])
        #expect(Self.close(both.directions[0].received?.bitsPerSecond, 9997340.49466799))
        #expect(Self.close(both.directions[1].received?.bitsPerSecond, 10008938.337469231))
        #expect(both.directions[1].sent?.packets == 863)
        let tcpBoth = try Iperf3Report.parse(Iperf3Fixtures.tcpBidir)
        #expect(tcpBoth.directions.map(\.direction) == [.tx, .rx])
        #expect(tcpBoth.directions[0].received?.bytes == 395476312 && tcpBoth.directions[1].received?.bytes == 406633152)
        #expect(tcpBoth.directions.allSatisfy { $0.sent?.retransmits == 0 })
        let tcpRX = try Iperf3Report.parse(Iperf3Fixtures.tcpReverse)
        #expect(tcpRX.directions.map(\.direction) == [.rx])
        #expect(Self.close(tcpRX.cpu?.hostTotal, 98.53836225097405))
    }

    @Test func iperf3TCPGivesRetransmitsAndNoUDPFields() throws {
        let r = try Iperf3Report.parse(Iperf3Fixtures.tcp)
        #expect(r.transport == "TCP")
        let tx = try #require(r.directions.first)
        #expect(tx.sent?.retransmits == 0 && tx.sent?.bytes == 519846480)
        #expect(Self.close(tx.received?.bitsPerSecond, 4135043322.1225567))
        #expect(tx.received?.lostPackets == nil && tx.received?.jitterMs == nil)
        #expect(Self.close(r.cpu?.remoteSystem, 85.65214348556347))
    }

    @Test func iperf3FailureIsSurfacedVerbatim() throws {
        let r = try Iperf3Report.parse(Iperf3Fixtures.connectionRefused)
        #expect(r.error == "unable to connect to server: Connection refused")
        #expect(r.directions.isEmpty && r.cpu == nil)
        let report = try ToolReport.parse(.iperf3TCP, output: Iperf3Fixtures.connectionRefused, clientArgv: ["iperf3"])
        #expect(report.toolError == r.error)
    }

    @Test func iperf3OutputThatIsNotItsReportNamesWhatIsMissing() {
        for (text, missing) in [("iperf3: error - unable to connect to server", "JSON"),
                                ("", "JSON"),
                                (#"{"start": {}, "intervals": [], "end": {}}"#, "end.sum_received")] {
            do {
                _ = try Iperf3Report.parse(text)
                Issue.record("parsed \(text)")
            } catch {
                #expect(error.tool == "iperf3")
                #expect(error.missing.contains(missing))
                #expect(error.description.hasPrefix("iperf3 output has no"))
            }
        }
        // Truncated mid-document (a killed client): not JSON either, and no crash.
        #expect(throws: ToolOutputError.self) { try Iperf3Report.parse(String(Iperf3Fixtures.tcp.prefix(900))) }
    }

    @Test func pingGivesEveryReplyAndTheSummary() throws {
        let r = try PingReport.parse(PingFixtures.replies)
        #expect(r.replies.map(\.icmpSeq) == [1, 2, 3, 4, 5])
        #expect(r.rttMs == [0.371, 0.035, 0.019, 0.043, 0.032])
        #expect(r.transmitted == 5 && r.received == 5 && r.lossPercent == 0 && r.errors == 0)
        #expect(r.timeMs == 20)
        #expect(r.summary == PingReport.Summary(minMs: 0.019, avgMs: 0.100, maxMs: 0.371, mdevMs: 0.135))
    }

    @Test func pingWithNoReplyHasTotalLossAndNoSummary() throws {
        let r = try PingReport.parse(PingFixtures.noReply)
        #expect(r.replies.isEmpty && r.summary == nil)
        #expect(r.transmitted == 3 && r.received == 0 && r.lossPercent == 100 && r.timeMs == 408)
    }

    @Test func pingStatisticsVariantsAndDuplicates() throws {
        // iputils' own spellings of errors and duplicates (ping_common.c), one reply a duplicate.
        let text = """
            64 bytes from 198.18.0.2: icmp_seq=1 ttl=64 time=1.50 ms
            64 bytes from 198.18.0.2: icmp_seq=1 ttl=64 time=1.90 ms (DUP!)
            From 198.18.0.1 icmp_seq=2 Destination Host Unreachable

            --- 198.18.0.2 ping statistics ---
            2 packets transmitted, 1 received, +1 duplicates, +1 errors, 50% packet loss, time 1001ms
            rtt min/avg/max/mdev = 1.500/1.700/1.900/0.200 ms
            """
        let r = try PingReport.parse(text)
        #expect(r.replies.count == 2 && r.replies[1].duplicate && r.rttMs == [1.5])
        #expect(r.duplicates == 1 && r.errors == 1 && r.lossPercent == 50 && r.received == 1)
        // -i 0 (root): ping appends its inter-packet gap to the rtt line (seen on this machine).
        let gap = try PingReport.parse("""
            64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.239 ms
            3 packets transmitted, 3 received, 0% packet loss, time 0ms
            rtt min/avg/max/mdev = 0.004/0.083/0.239/0.110 ms, ipg/ewma 0.153/0.184 ms
            """)
        #expect(gap.summary == PingReport.Summary(minMs: 0.004, avgMs: 0.083, maxMs: 0.239, mdevMs: 0.110))
        #expect(gap.timeMs == 0)
    }

    @Test func pingOutputWithoutStatisticsSaysWhatPingSaid() {
        do {
            _ = try PingReport.parse(PingFixtures.unreachableStderr)
            Issue.record("parsed an unreachable network")
        } catch {
            #expect(error.tool == "ping" && error.missing.contains("packets transmitted"))
            #expect(error.said == "ping: connect: Network is unreachable")
        }
    }

    @Test func sockperfRoundTripPercentiles() throws {
        let r = try SockperfReport.parse(SockperfFixtures.roundTrip)
        #expect(r.measure == .roundTrip)
        #expect(r.avgUs == 12.762 && r.stdDevUs == 21.407 && r.avgRoundTripUs == 12.762)
        #expect(r.observations == 43043 && r.validSeconds == 0.550)
        #expect(r.sentMessages == 43043 && r.receivedMessages == 43043 && r.droppedMessages == 0)
        #expect(r.maxUs == 3830.341 && r.minUs == 10.786)
        #expect(r.percentiles.map(\.percentile) == [99.999, 99.99, 99.9, 99, 90, 75, 50, 25])
        #expect(r.percentile(50) == 11.967 && r.percentile(99) == 17.245 && r.percentile(99.99) == 101.350)
        #expect(r.percentile(99.9) == 67.750 && r.percentile(90) == 14.070 && r.percentile(42) == nil)
    }

    @Test func sockperfDefaultIsHalfARoundTrip() throws {
        let r = try SockperfReport.parse(SockperfFixtures.oneWay)
        #expect(r.measure == .oneWay)
        #expect(r.avgUs == 83.286 && r.avgRoundTripUs == 83.286 * 2)
        #expect(r.percentile(50) == 37.085 && r.observations == 1099)
    }

    @Test func sockperfWithoutItsServerSaysSo() {
        do {
            _ = try SockperfReport.parse(SockperfFixtures.noServer)
            Issue.record("parsed a run without replies")
        } catch {
            #expect(error.tool == "sockperf")
            #expect(error.said == "No messages were received from the server. Is the server down?")
        }
    }

    @Test func reportsRoundTripThroughJSONWithTheirTool() throws {
        let r = try ToolReport.parse(.ping, output: PingFixtures.replies, clientArgv: ["ping", "-n"])
        #expect(r.ping != nil && r.iperf3 == nil && r.sockperf == nil)
        let data = try JSONEncoder().encode(r)
        #expect(try JSONDecoder().decode(ToolReport.self, from: data) == r)
        let s = try ToolReport.parse(.sockperf, output: SockperfFixtures.roundTrip, clientArgv: [])
        #expect(try JSONDecoder().decode(ToolReport.self, from: JSONEncoder().encode(s)) == s)
        #expect(throws: ToolOutputError.self) { try ToolReport.parse(.builtin, output: "", clientArgv: []) }
    }
}
