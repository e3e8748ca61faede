import Testing
@testable import Platform

@Suite(.serialized) struct EventChannelTests {
    @Test func signalsAccumulateAndAreReadOnce() throws {
        let e = try EventChannel()
        #expect(e.fd >= 0)
        #expect(e.wait(timeoutMs: 0) == nil)
        e.signal()
        e.signal(2)
        #expect(e.wait(timeoutMs: 1_000) == 3)
        #expect(e.wait(timeoutMs: 0) == nil)
        #expect(e.drain() == nil)
        e.close()
        #expect(e.fd == -1)
        #expect(!e.signal())
        #expect(e.wait(timeoutMs: 0) == nil)
    }

    @Test func anotherThreadWakesAPoller() throws {
        let e = try EventChannel()
        let signaller = TestThread { e.signal(5) }
        #expect(e.wait(timeoutMs: 10_000) == 5)
        #expect(signaller.join())
    }
}
