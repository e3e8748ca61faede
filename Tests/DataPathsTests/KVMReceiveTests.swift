import Foundation
import Testing
@testable import DataPaths
import Platform
import VMM
import Measurement

/// The vwifi RX and ping drivers of the KVM guest program: frames the device model delivers
/// into the VM's completion ring, verified by the guest (stamp, length, CRC-32C, duplicates).
@Suite(.serialized, .enabled(if: KVMBackendHere.usable, "the kvm trap backend cannot run here: \(KVMBackendHere.why)"))
struct KVMReceiveTests {
    func run(_ edit: (inout PathConfig) -> Void) throws -> PathResult {
        try KVMBackendHere.run(.vwifi, edit)
    }

    @Test func rxFramesReachTheGuestVerifiedAndTheirBuffersReposted() throws {
        // 400 frames through 64 RX buffers: every buffer is reposted several times.
        let r = try run { $0.direction = .rx; $0.rate = 20_000 }
        #expect(r.summary.trapBackend == "kvm")
        #expect(r.summary.packetsDelivered + r.summary.packetsDropped == 400)
        #expect(r.summary.packetsDelivered > 64, "\(r.summary)")
        #expect(r.summary.goodputMbps > 0)
        #expect(r.stages.contains { $0.stage == "rx_delivery" })
        #expect(r.summary.interruptsVirtual > 0)
        #expect(!r.warnings.contains { $0.contains("KVM guest") }, "\(r.warnings)")
    }

    @Test func pingRTTsAreTimedByTheGuest() throws {
        let r = try run { $0.workload = .ping; $0.pingCount = 20; $0.pingIntervalMs = 1 }
        #expect(r.summary.trapBackend == "kvm")
        #expect(r.rttMs.count == 20)
        #expect(r.rttMs.allSatisfy { $0 > 0 && $0 < 1_000 })
    }

    final class Keep: @unchecked Sendable {
        // Sound: set by the executor's afterStart hook on the calling thread, read after run returns.
        var guest: KVMGuest?
    }

    /// Runs and keeps the KVM guest, whose guest RAM a test then rewrites as a hostile guest would.
    func runKeeping(_ edit: (inout PathConfig) -> Void) throws -> KVMGuest {
        let keep = Keep()
        var c = PathConfig(path: .vwifi)
        c.trap = .kvm
        c.packets = 200
        c.warmupPackets = 10
        c.air = .none
        edit(&c)
        var executor = PipelineExecutor()
        executor.afterStart = { p in keep.guest = p.kvmGuest }
        _ = try executor.run(c, control: RunControl())
        return try #require(keep.guest)
    }

    @Test func hostileReceiveCountersAndSpansReachTheHostBounded() throws {
        let guest = try runKeeping { $0.direction = .rx; $0.rate = 20_000 }
        let m = guest.layout.mailbox
        let honest = try #require(guest.receivedDelivery)
        #expect(honest.count > 0 && honest.bytes > 0 && honest.spanNs > 0)
        guest.ram.storeU64(m + GuestMailbox.rxMeasured, .max)
        guest.ram.storeU64(m + GuestMailbox.rxMeasuredBytes, .max)
        guest.ram.storeU64(m + GuestMailbox.rxDelivered, 1 << 63)
        guest.ram.storeU64(m + GuestMailbox.echoes, .max)
        guest.ram.storeU64(m + GuestMailbox.rxFirstTSC, .max)
        guest.ram.storeU64(m + GuestMailbox.rxLastTSC, 0)
        let hostile = try #require(guest.receivedDelivery)
        #expect(hostile.count == Int(Int32.max))
        #expect(hostile.delivered >= 0)
        #expect(hostile.bytes <= hostile.count * FrameFormat.maximumPayload)
        #expect(hostile.spanNs == 0, "a last frame before the first is no span")
        guest.ram.storeU64(m + GuestMailbox.rxFirstTSC, 0)
        guest.ram.storeU64(m + GuestMailbox.rxLastTSC, .max)
        let run = Double(try #require(guest.report).hostCycles) / TSCClock.shared.hz * 1e9
        #expect(Double(try #require(guest.receivedDelivery).spanNs) <= run + 1, "a span longer than the run")
        // Corrupt or repeated frames the guest reports fail the run.
        guest.ram.storeU64(m + GuestMailbox.rxCorrupt, 1)
        guest.publishReceived()
        #expect(guest.control.failureMessage?.contains("corrupted") == true)
    }

    @Test func hostileRTTsAreReadInsideTheirAreaOnly() throws {
        let guest = try runKeeping { $0.workload = .ping; $0.pingCount = 5; $0.pingIntervalMs = 1 }
        #expect(guest.guestRTTs?.count == 5)
        let m = guest.layout.mailbox
        guest.ram.storeU64(m + GuestMailbox.echoes, .max)
        guest.ram.storeU64(m + GuestMailbox.sent, .max)
        #expect(guest.guestRTTs?.count == 5, "no more RTTs than the area the host allocated holds")
        // The guest's count of requests that timed out is clamped to the requests it could send.
        guest.ram.storeU64(m + GuestMailbox.pingTimeouts, .max)
        var readings = ResultReadings()
        guest.contribute(to: &readings, config: guest.config)
        #expect(readings.pingTimeouts == 5)
        guest.ram.storeU64(guest.runner.parameters.rttArea, .max)
        guest.ram.storeU64(guest.runner.parameters.rttArea + 8, 0)
        #expect(guest.guestRTTs?.count == 3, "an RTT longer than the run, or none, is no round trip")
    }

    @Test func idleTicksAreArmedByTrappingStoresAndInjectedThroughTheKVMLine() throws {
        let r = try run { $0.workload = .idle; $0.duration = 0.4; $0.timerHz = 250 }
        #expect(r.summary.trapBackend == "kvm")
        // 250 Hz over 0.4 s: about 100 ticks (a loaded machine delivers some late, never early).
        #expect(r.summary.interruptsVirtual > 20 && r.summary.interruptsVirtual <= 110, "\(r.summary.interruptsVirtual)")
        let arms = r.exits.first { $0.reason == "mmio_write" }?.count ?? 0
        #expect(arms >= r.summary.interruptsVirtual - 1, "each tick re-arms the timer with a trapping store: \(r.exits)")
    }

    @Test func autoPicksKVMForRXPingAndIdle() throws {
        for edit in [{ (c: inout PathConfig) in c.direction = .rx }, { (c: inout PathConfig) in c.workload = .ping },
                     { (c: inout PathConfig) in c.workload = .idle }] {
            var c = PathConfig(path: .vwifi)
            c.trap = .auto
            edit(&c)
            #expect(try TrapBackendDecision.decide(c).backend == .kvm)
        }
    }
}
