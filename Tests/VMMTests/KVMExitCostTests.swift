import Testing
@testable import VMM

@Suite(.serialized, .enabled(if: KVMHere.usable, "/dev/kvm cannot run a CPL3 long-mode guest here: \(KVMHere.availability.reason)"))
struct KVMExitCostTests {
    @Test func measuresEveryExitKindAndIoeventfdAbsorbsAllWrites() throws {
        let iterations = 200, kicks = 20
        let costs = try KVMExitCostMeter.measure(iterations: iterations, kicks: kicks)
        #expect(costs.mmioExitRoundTrip.count == iterations)
        #expect(costs.mmioExitKVMRun.count == iterations)
        #expect(costs.pioExitRoundTrip.count == iterations)
        #expect(costs.pioExitKVMRun.count == iterations)
        #expect(costs.ioeventfdSignals == UInt64(iterations))
        #expect(costs.kickToExit?.count == kicks)
        // Within one run: a write the kernel absorbs is cheaper than one that reaches user space.
        let absorbed = try #require(costs.ioeventfdWriteRoundTrip)
        #expect(absorbed.median < costs.mmioExitRoundTrip.median)
        print("""
            [exit costs, TSC ticks] MMIO exit round trip (guest) \(costs.mmioExitRoundTrip)
              MMIO KVM_RUN (host) \(costs.mmioExitKVMRun)
              PIO exit round trip (guest) \(costs.pioExitRoundTrip)
              PIO KVM_RUN (host) \(costs.pioExitKVMRun)
              ioeventfd-absorbed doorbell (guest) \(absorbed)
              kick raise->EINTR \(costs.kickToExit.map(String.init(describing:)) ?? "-")
            """)
    }
}
