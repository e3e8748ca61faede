import Testing
@testable import DataPaths
import Platform

/// A full ring applies back-pressure and never deadlocks: the smallest rings, an
/// unpaced producer and a consumer paced by the 802.11g air time (~2,000 frames/s), through a
/// real pipeline run. Every packet arrives intact (the access point checks sequence numbers,
/// headers and payload checksums and fails the run on any corruption or duplicate), the run
/// finishes, and producers really found their ring full (counted, not timed).
@Suite(.serialized) struct BackPressureTests {
    static func run(_ path: PathKind, ringSize: Int, packets: Int = 300) throws -> PathResult {
        var c = PathConfig(path: path)
        c.packets = packets
        c.warmupPackets = 10
        c.air = .ieee80211g
        c.trap = path == .native ? .auto : .thread
        c.ringSize = ringSize
        c.counters = ["perf::TASK-CLOCK"]
        var executor = PipelineExecutor()
        executor.stallSeconds = 5  // a deadlock fails the test in seconds, not the default 10
        return try executor.run(c, control: RunControl())
    }

    static func expectAllDelivered(_ r: PathResult, _ n: Int) {
        #expect(r.summary.packetsSent == n)
        #expect(r.summary.packetsDelivered == n)
        #expect(r.summary.packetsDropped == 0)
        #expect(r.drops.isEmpty, "\(r.drops)")
        #expect(!r.warnings.contains { $0.contains("conservation") }, "\(r.warnings)")
    }

    /// 8 is the smallest `--ring-size` the options accept.
    @Test(arguments: [PathKind.native, .passthrough, .vwifi])
    func smallestRingsUnderAFastProducerDeliverEverything(_ path: PathKind) throws {
        let r = try Self.run(path, ringSize: 8)
        Self.expectAllDelivered(r, 300)
        #expect(r.summary.ringFullWaits > 0, "the producer never met a full ring: no back-pressure was tested")
    }

    /// Below the options' minimum (set directly): rings of 2 entries, 300 packets through them.
    @Test func twoEntryRingsStillDeliverEverything() throws {
        let r = try Self.run(.vwifi, ringSize: 2)
        Self.expectAllDelivered(r, 300)
        #expect(r.summary.ringFullWaits > 0)
        #expect(r.deliveredByVM["vm1"] == 300)
    }
}
