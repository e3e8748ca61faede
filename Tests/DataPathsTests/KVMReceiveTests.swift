import Foundation
import Testing
@testable import DataPaths
import Platform
import VMM

/// The vwifi RX and ping drivers of the KVM guest program: frames the device model delivers
/// into the VM's completion ring, verified by the guest (stamp, length, CRC-32C, duplicates).
@Suite(.serialized, .enabled(if: KVMBackendHere.usable, "the kvm trap backend cannot run here: \(KVMBackendHere.why)"))
struct KVMReceiveTests {
    func run(_ edit: (inout PathConfig) -> Void) throws -> PathResult {
        var c = PathConfig(path: .vwifi)
        c.trap = .kvm
        c.packets = 400
        c.warmupPackets = 20
        c.air = .none
        c.counters = ["perf::TASK-CLOCK"]
        edit(&c)
        return try PipelineExecutor().run(c, control: RunControl())
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

    @Test func autoPicksKVMForRXAndPing() throws {
        for edit in [{ (c: inout PathConfig) in c.direction = .rx }, { (c: inout PathConfig) in c.workload = .ping }] {
            var c = PathConfig(path: .vwifi)
            c.trap = .auto
            edit(&c)
            #expect(try TrapBackendDecision.decide(c).backend == .kvm)
        }
    }
}
