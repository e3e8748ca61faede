import Foundation
import Testing
@testable import DataPaths
import Platform

/// Runs of the real threaded pipelines, kept small: behaviour, never timing thresholds.
@Suite(.serialized) struct PipelineTests {
    func run(_ path: PathKind, _ edit: (inout PathConfig) -> Void = { _ in }) throws -> PathResult {
        var c = PathConfig(path: path)
        c.packets = 600
        c.warmupPackets = 20
        c.air = .none
        c.counters = ["perf::TASK-CLOCK"]
        edit(&c)
        return try PipelineExecutor().run(c, control: RunControl())
    }

    func expectIntact(_ r: PathResult, _ n: Int) {
        #expect(r.summary.packetsSent == n)
        #expect(r.summary.packetsDelivered == n)
        #expect(r.summary.packetsDropped == 0)
        #expect(r.summary.packetsSent == r.summary.packetsDelivered + r.summary.packetsDropped)
        // Noise warnings (steal time) depend on the machine; integrity ones must never appear.
        #expect(!r.warnings.contains { $0.contains("conservation") || $0.contains("stamps") }, "\(r.warnings)")
    }

    @Test(arguments: [PathKind.native, .passthrough, .vwifi])
    func everyPathDeliversEveryPacketIntactWithoutAir(_ path: PathKind) throws {
        let r = try run(path)
        expectIntact(r, 600)
        #expect(r.summary.goodputMbps > 0)
        #expect(r.summary.interruptsPhysical > 0)
    }

    @Test func vwifiWithIOMMUTranslatesInTheDeviceNotTheDeviceModel() throws {
        let r = try run(.vwifi) { $0.translation = .iommu }
        expectIntact(r, 600)
        #expect(r.summary.translations == 0)
        #expect(r.summary.iotlbHits + r.summary.iotlbMisses >= 600)
        #expect(r.summary.iommuFaults == 0)
    }

    @Test func vwifiExtraPathHasItsStagesWithSoftwareTranslationAmongThem() throws {
        let r = try run(.vwifi) { $0.rate = 2_000 }
        let names = Set(r.stages.filter { $0.chain == "tx_extra_path" }.map(\.stage))
        for stage in ["trap_exit", "decode", "device_model_receipt", "translation", "handoff_to_host_driver",
                      "host_driver_receipt", "queued_to_device"] {
            #expect(names.contains(stage), "missing \(stage) in \(names)")
        }
        #expect(r.summary.translations >= 600)
        #expect(r.summary.exits >= 600)
        // One row per exit reason (one for the thread trap; MMIO, port I/O, ... for kvm).
        #expect(r.exits.reduce(0) { $0 + $1.count } == r.summary.exits)
        #expect(r.exits.contains { $0.reason.hasPrefix("mmio_write") })
    }

    @Test func deviceModelCoalescingInjectsOncePerNCompletions() throws {
        // A hold-off timer long enough that only a stall (or the run's last few completions)
        // fires it: a slow machine or a sanitizer build must not turn the count check into a
        // timing check.
        let r = try run(.vwifi) { $0.coalesceDeviceModel = 10; $0.coalesceDeviceModelTimeoutUs = 200_000 }
        expectIntact(r, 600)
        #expect(r.summary.interruptsVirtual <= 600 / 10 + 30)
        #expect(r.summary.interruptsVirtual >= 600 / 10)
        #expect(r.summary.interruptsPhysical > r.summary.interruptsVirtual)
    }

    @Test(arguments: [PathKind.native, .passthrough, .vwifi])
    func everyPathReceives(_ path: PathKind) throws {
        let r = try run(path) { $0.direction = .rx; $0.packets = 400; $0.rate = 20_000 }
        #expect(r.summary.packetsDelivered + r.summary.packetsDropped == 400)
        #expect(r.summary.packetsDelivered > 0)
    }

    @Test(arguments: [PathKind.native, .passthrough, .vwifi])
    func everyPathAnswersPings(_ path: PathKind) throws {
        let r = try run(path) { $0.workload = .ping; $0.pingCount = 20; $0.pingIntervalMs = 1; $0.air = .ieee80211g }
        #expect(r.rttMs.count == 20)
        #expect(r.rttMs.allSatisfy { $0 > 0 })
    }

    @Test func airPacingNeverBeatsTheRadio() throws {
        let r = try run(.vwifi) { $0.air = .ieee80211g; $0.packets = 150; $0.warmupPackets = 10 }
        expectIntact(r, 150)
        // Every frame went over the one medium, whose exchanges never overlap: the air was busy
        // for at most the time that passed. (Goodput comes from the access point's own clock
        // readings, which a descheduled device thread can skew at a short run's two ends.)
        let air = try #require(r.air)
        #expect(air.frames == 150 && air.attempts == 150)
        #expect(air.utilization > 0 && air.utilization <= 1)
        #expect(r.summary.goodputMbps > 0)
    }

    @Test func idleVMTakesTimerTicksThroughExits() throws {
        let r = try run(.vwifi) { $0.workload = .idle; $0.duration = 0.3; $0.timerHz = 250 }
        #expect(r.summary.interruptsVirtual > 10)
        #expect(r.summary.exits > 10)
    }

    @Test func steadyStatePacketPathAllocatesNothing() throws {
        let r = try run(.vwifi) { $0.packets = 2_000; $0.warmupPackets = 200 }
        expectIntact(r, 2_000)
        guard !r.allocations.isEmpty else { return }  // interposer not active in this binary
        for (thread, count) in r.allocations {
            #expect(count == 0, "\(thread) allocated \(count) times in the measured region")
        }
    }

    @Test func cancellingStopsTheRun() throws {
        var c = PathConfig(path: .vwifi)
        c.packets = 1_000_000
        c.air = .ieee80211g
        let control = RunControl()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { control.cancel() }
        #expect(throws: RunCancelled.self) { _ = try PipelineExecutor().run(c, control: control) }
    }

    @Test func csvHeadersStayStable() {
        #expect(PathResult.summaryHeader.prefix(12) == ["path", "direction", "packets_sent", "packets_delivered",
            "packets_dropped", "goodput_mbps", "frames_per_s", "interrupts_physical", "interrupts_virtual", "exits",
            "host_cpu_percent", "device_cpu_percent"])
        #expect(PathResult.stagesHeader.prefix(6) == ["stage", "count", "cycles_median", "cycles_p90", "cycles_p99", "cycles_mean"])
        #expect(PathResult.cpuHeader.prefix(5) == ["component", "user_s", "system_s", "cpu_percent", "counted_as_host"])
    }
}
