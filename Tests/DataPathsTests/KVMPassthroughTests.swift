import Foundation
import Testing
@testable import DataPaths
import Platform

/// Passthrough UDP TX on a real KVM vCPU: the guest program's doorbell is the device's register
/// page mapped into the VM (no exit), and the device's interrupt reaches the vCPU through the
/// hypervisor's forwarder and the KVM line.
@Suite(.serialized, .enabled(if: KVMBackendHere.usable, "the kvm trap backend cannot run here: \(KVMBackendHere.why)"))
struct KVMPassthroughTests {
    func run(_ edit: (inout PathConfig) -> Void = { _ in }) throws -> PathResult {
        try KVMBackendHere.run(.passthrough, trap: .auto, edit)
    }

    @Test func doorbellStoreDoesNotExitAndEveryFrameArrives() throws {
        let r = try run()
        #expect(r.summary.trapBackend == "kvm", "\(r.trapReason)")
        #expect(r.summary.packetsSent == 400)
        #expect(r.summary.packetsDelivered == 400)
        #expect(r.summary.packetsDropped == 0)
        #expect(!r.warnings.contains { $0.contains("KVM guest") || $0.contains("conservation") }, "\(r.warnings)")
        // The doorbell is memory: no MMIO exit of any kind.
        #expect(!r.exits.contains { $0.reason.hasPrefix("mmio") }, "\(r.exits)")
        #expect(r.summary.exits == r.exits.reduce(0) { $0 + $1.count })
        #expect(r.trapReason.contains("register page"))
        // Completions came back in the guest program's format (it reclaimed every packet with a
        // done status; a bad one would be a drop) through an injected interrupt.
        #expect(r.summary.interruptsVirtual > 0)
        #expect(r.summary.interruptMechanism.contains("pending-flag"))
        #expect(r.stages.contains { $0.stage == "guest_isr" })
        #expect(r.stages.contains { $0.stage == "virtual_irq_injection" })
        // The device's doorbell latency: the guest's publication stamp to the device's dequeue.
        let dequeue = r.stages.first { $0.stage == "device_dequeue" && $0.chain == "completion_path" }
        #expect(dequeue?.count == 400 - 20, "\(String(describing: dequeue))")
        #expect(r.cpu.contains { $0.component == .hypervisor })
        #expect(r.cpu.first { $0.component == .device }?.countedAsHost == false)
    }

    @Test func offeredRateWaitsOnThePortAndIsInjectedPerCompletion() throws {
        let r = try run { $0.rate = 1_000; $0.packets = 150; $0.warmupPackets = 10 }
        #expect(r.summary.trapBackend == "kvm")
        #expect(r.summary.packetsDelivered == 150)
        #expect(r.exits.contains { $0.reason == "pio_out" }, "\(r.exits)")
        #expect(!r.exits.contains { $0.reason.hasPrefix("mmio") })
        // At 1 ms per packet the device is idle between packets: it found each doorbell by
        // sampling its register.
        #expect(r.stages.first { $0.stage == "device_dequeue" }?.count == 140)
    }

    @Test func threadTrapStaysTheFallback() throws {
        let r = try run { $0.trap = .thread; $0.packets = 200 }
        #expect(r.summary.trapBackend == "thread")
        #expect(r.summary.packetsDelivered == 200)
        #expect(r.summary.exits == 0)
    }

    @Test func pingRunsOnKVMWithTheDeviceWritingRXCompletions() throws {
        let r = try run { $0.workload = .ping; $0.pingCount = 30; $0.pingIntervalMs = 2; $0.air = .ieee80211g }
        #expect(r.summary.trapBackend == "kvm", "\(r.trapReason)")
        #expect(r.rttMs.count == 30)
        #expect(r.rttMs.allSatisfy { $0 > 0 && $0 < 1_000 })
        #expect(!r.exits.contains { $0.reason.hasPrefix("mmio") }, "\(r.exits)")
        #expect(r.summary.interruptsVirtual > 0)
        #expect(!r.warnings.contains { $0.contains("KVM guest") }, "\(r.warnings)")
    }

    @Test func rxFramesReachTheGuestThroughItsOwnBuffers() throws {
        // 400 frames through the guest's RX buffers: each is reposted several times.
        let r = try run { $0.direction = .rx; $0.rate = 20_000 }
        #expect(r.summary.trapBackend == "kvm", "\(r.trapReason)")
        #expect(r.summary.packetsDelivered + r.summary.packetsDropped == 400)
        #expect(r.summary.packetsDelivered > 64, "\(r.summary)")
        #expect(r.summary.goodputMbps > 0)
        #expect(r.summary.interruptsVirtual > 0)
        #expect(!r.warnings.contains { $0.contains("KVM guest") }, "\(r.warnings)")
    }

    @Test func idleTakesItsTimerTicksOnKVM() throws {
        let r = try run { $0.workload = .idle; $0.duration = 0.3; $0.timerHz = 250 }
        #expect(r.summary.trapBackend == "kvm", "\(r.trapReason)")
        #expect(r.summary.interruptsVirtual > 0 || r.exits.contains { $0.reason == "mmio_write" }, "\(r.exits)")
        #expect(!r.warnings.contains { $0.contains("KVM guest") }, "\(r.warnings)")
    }
}
