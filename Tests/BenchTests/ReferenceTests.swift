import CReference
import Measurement
import Testing
@testable import Bench

@Suite struct ReferenceTests {
    @Test func referenceRingDeliversEveryItemInOrder() {
        #expect(vwr_ring_transfer(20_000, 64) == 20_000)
    }

    @Test(arguments: [Int32(VWR_NATIVE), Int32(VWR_PASSTHROUGH), Int32(VWR_VWIFI)])
    func referencePipelineDeliversEveryPacket(path: Int32) {
        var out = vwr_pipeline_result()
        let rc = vwr_pipeline_run(path, 2_000, 200, 1450, 64, &out)
        #expect(rc == 0)
        #expect(out.delivered == 2_000)
        #expect(out.measured == 1_800)
        #expect(out.frames_per_s > 0)
        // Native frames are the kernel's: each one came off the run's TUN queue after send().
        #expect(out.kernel_packets == (path == Int32(VWR_NATIVE) ? 2_000 : 0))
    }

    @Test func referencePipelineRejectsBadArguments() {
        var out = vwr_pipeline_result()
        #expect(vwr_pipeline_run(7, 100, 10, 1450, 64, &out) < 0)
        #expect(vwr_pipeline_run(Int32(VWR_NATIVE), 100, 100, 1450, 64, &out) < 0)
    }

    @Test(arguments: HandoffMode.allCases)
    func handOffsCompleteOnBothSides(mode: HandoffMode) throws {
        #expect(try HandoffCost.reference(mode, roundTrips: 200) > 0)
        #expect(try HandoffCost.harness(mode, roundTrips: 200) > 0)
    }

    @Test func stampLoopsRecordEveryStamp() {
        let log = StampLog(capacity: 1_000, owner: "test")
        let bare = UnsafeMutablePointer<UInt64>.allocate(capacity: 1_000)
        bare.initialize(repeating: 0, count: 1_000)
        defer { bare.deallocate() }
        let r = StampCost.measureOnce(count: 1_000, log: log, bare: bare)
        #expect(log.count == 1_000)
        #expect(log.overflowed == 0)
        #expect(bare[999] != 0)
        #expect(r.stamp > 0 && r.bare > 0)
    }
}
