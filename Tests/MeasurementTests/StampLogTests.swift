import Testing
@testable import Measurement

@Suite struct StampLogTests {
    @Test func recordsInOrder() {
        let log = StampLog(capacity: 100, owner: "test")
        for i in 0..<50 { log.record(stage: UInt8(i % 3), seq: UInt32(i)) }
        #expect(log.count == 50)
        #expect(log.overflowed == 0)
        for i in 0..<50 {
            #expect(log[i].seq == UInt32(i))
            #expect(log[i].stage == UInt8(i % 3))
        }
        let stamps = log.stamps
        #expect(stamps.count == 50)
        #expect(zip(stamps, stamps.dropFirst()).allSatisfy { $0.tsc <= $1.tsc })
    }

    @Test func overflowCountsAndNeverReallocates() {
        let log = StampLog(capacity: 1000, owner: "overflow")
        let storage = log.storageAddress
        for i in 0..<1_000_000 { log.record(stage: 1, seq: UInt32(truncatingIfNeeded: i)) }
        #expect(log.count == 1000)
        #expect(log.overflowed == 999_000)
        #expect(log.storageAddress == storage)
        #expect(log[999].seq == 999, "a full log must not overwrite what it has")
    }

    @Test func explicitStampsAndReset() {
        let log = StampLog(capacity: 2, owner: "reset")
        log.record(stage: 7, seq: 1, tsc: 42)
        #expect(log[0] == Stamp(tsc: 42, seq: 1, stage: 7))
        log.record(stage: 7, seq: 2, tsc: 43)
        log.record(stage: 7, seq: 3, tsc: 44)
        #expect(log.overflowed == 1)
        log.reset()
        #expect(log.count == 0 && log.overflowed == 0)
        log.record(stage: 1, seq: 9, tsc: 5)
        #expect(log[0].seq == 9)
    }
}
