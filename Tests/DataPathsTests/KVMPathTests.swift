import Foundation
import Testing
@testable import DataPaths
import Platform

enum KVMBackendHere {
    static let check = TrapBackendDecision.machineCheck(device: "/dev/kvm")
    static var usable: Bool { check.problem == nil }
    static var why: String { check.problem ?? "" }

    /// A short unpaced run of `path` on `trap` (400 packets, 20 warm-up, no air, one counter).
    static func run(_ path: PathKind, trap: TrapBackendChoice = .kvm, _ edit: (inout PathConfig) -> Void) throws -> PathResult {
        var c = PathConfig(path: path)
        c.trap = trap
        c.packets = 400
        c.warmupPackets = 20
        c.air = .none
        c.counters = ["perf::TASK-CLOCK"]
        edit(&c)
        return try PipelineExecutor().run(c, control: RunControl())
    }
}

/// The vwifi TX path with the `kvm` trap backend: a real vCPU, real exits.
@Suite(.serialized, .enabled(if: KVMBackendHere.usable, "the kvm trap backend cannot run here: \(KVMBackendHere.why)"))
struct KVMPathTests {
    func run(_ edit: (inout PathConfig) -> Void = { _ in }) throws -> PathResult {
        try KVMBackendHere.run(.vwifi, edit)
    }

    func row(_ r: PathResult, _ stage: String) -> StageStatistic? {
        r.stages.first { $0.stage == stage && $0.chain == "tx_extra_path" }
    }

    func expectIntact(_ r: PathResult, _ n: Int) {
        #expect(r.summary.trapBackend == "kvm")
        #expect(r.summary.packetsSent == n)
        // The access point verified every frame (FCS, headers, the guest's CRC-32C and pattern).
        #expect(r.summary.packetsDelivered == n)
        #expect(r.summary.packetsDropped == 0)
        #expect(!r.warnings.contains { $0.contains("conservation") || $0.contains("stamps") || $0.contains("KVM guest") },
                "\(r.warnings)")
    }

    @Test func exitDoorbellIsOneRealMMIOExitPerPacketWithStampsInOrder() throws {
        let r = try run()
        expectIntact(r, 400)
        let measured = 400 - 20
        let mmio = r.exits.first { $0.reason == "mmio_write" }
        #expect(mmio?.count == measured, "\(r.exits)")
        #expect((mmio?.cyclesMedian ?? 0) > 0)
        #expect(r.summary.exits == r.exits.reduce(0) { $0 + $1.count })
        #expect(r.summary.exits >= measured)
        // A row counts the packets whose stamp follows the previous stage's: doorbell (guest) <
        // trap_exit (KVM_RUN returned) < decode < device_model_receipt, for every measured packet.
        for stage in ["trap_exit", "decode", "device_model_receipt", "translation", "handoff_to_host_driver",
                      "host_driver_receipt", "queued_to_device"] {
            #expect(row(r, stage)?.count == measured, "\(stage): \(String(describing: row(r, stage)))")
        }
        #expect(r.stages.contains { $0.stage == "guest_isr" })
        #expect(r.summary.interruptMechanism.contains("pending-flag"))
        #expect(r.trapReason.contains("kvm"))
        // One vCPU thread, split: guest mode is the guest's, everything else the hypervisor's.
        let guest = r.cpu.first { $0.component == .guest }
        #expect(guest?.systemSeconds == 0)
        #expect(r.cpu.contains { $0.component == .hypervisor })
        #expect(r.categories.contains { $0.component == .hypervisor && $0.category == .ioExitHandlingAndForwarding && $0.cycles > 0 })
    }

    @Test func ioeventfdDoorbellHasNoUserSpaceExitAndDeliversEverything() throws {
        let r = try run { $0.doorbell = .ioeventfd }
        expectIntact(r, 400)
        #expect(!r.exits.contains { $0.reason == "mmio_write" || $0.reason == "mmio_read" }, "\(r.exits)")
        #expect(r.exits.first { $0.reason.hasPrefix("mmio_write_in_kernel") }?.count == 400 - 20)
        #expect(row(r, "trap_exit") == nil && row(r, "decode") == nil)
        #expect(row(r, "device_model_receipt")?.count == 400 - 20)
        #expect(r.trapReason.contains("ioeventfd"))
    }

    @Test func offeredRateIsPacedByTheGuestsOwnDeadlines() throws {
        // 500 packets/s: a 240 ms schedule, long enough that even a loaded machine's vCPU thread
        // is ahead of it (and waits on the port) at some point.
        let r = try run { $0.rate = 500; $0.packets = 120 }
        expectIntact(r, 120)
        #expect(r.summary.framesPerSecond > 0)
        // Unpaced, this path carries many times 500 frames/s (air none); the margin only
        // absorbs a late first delivery on a busy machine. VMMTests check no packet leaves early.
        #expect(r.summary.framesPerSecond <= 500 * 1.5, "\(r.summary.framesPerSecond) frames/s at an offered 500")
        #expect(r.exits.contains { $0.reason == "pio_out" })   // the guest waits for its due times
    }

    @Test func timeBoundedRunStopsSendingAndDrains() throws {
        let r = try run { $0.duration = 0.2; $0.rate = 1_000 }
        #expect(r.summary.trapBackend == "kvm")
        #expect(r.summary.packetsSent > 20)
        #expect(r.summary.packetsDelivered == r.summary.packetsSent)
    }

    @Test func steadyStateAllocatesNothingOnTheVCPUThread() throws {
        let r = try run { $0.packets = 1_500; $0.warmupPackets = 200 }
        expectIntact(r, 1_500)
        guard !r.allocations.isEmpty else { return }   // interposer not active in this binary
        for (thread, count) in r.allocations {
            #expect(count == 0, "\(thread) allocated \(count) times in the measured region")
        }
    }

    @Test func cancellingStopsTheVCPU() throws {
        var c = PathConfig(path: .vwifi)
        c.trap = .kvm
        c.packets = 1_000_000
        c.air = .ieee80211g
        let control = RunControl()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { control.cancel() }
        #expect(throws: RunCancelled.self) { _ = try PipelineExecutor().run(c, control: control) }
    }
}

/// Choosing the backend: these need no KVM.
@Suite struct TrapBackendChoiceTests {
    @Test func autoFallsBackToThreadWithTheReasonWhenTheDeviceIsMissing() throws {
        var c = PathConfig(path: .vwifi)
        c.kvmDevice = "/nonexistent/kvm"
        c.packets = 200
        c.warmupPackets = 10
        c.air = .none
        c.counters = []
        #expect(c.trap == .auto)
        let r = try PipelineExecutor().run(c, control: RunControl())
        #expect(r.summary.trapBackend == "thread")
        #expect(r.trapReason.contains("/nonexistent/kvm"), "\(r.trapReason)")
        #expect(r.summary.packetsDelivered == 200)
    }

    @Test func kvmOnAMissingDeviceIsAConfigErrorNamingTrap() {
        var c = PathConfig(path: .vwifi)
        c.trap = .kvm
        c.kvmDevice = "/nonexistent/kvm"
        #expect { _ = try PipelineExecutor().run(c, control: RunControl()) } throws: {
            guard let e = $0 as? ConfigError else { return false }
            return e.field == "trap" && e.problem.contains("/nonexistent/kvm") && e.fix.contains("--trap thread")
        }
    }

    @Test func everyVMRunIsOneTheGuestProgramImplements() throws {
        for path in [PathKind.vwifi, .passthrough] {
            for (workload, direction) in [(Workload.udp, Direction.tx), (.udp, .rx), (.ping, .tx), (.idle, .tx)] {
                var c = PathConfig(path: path)
                c.workload = workload
                c.direction = direction
                #expect(TrapBackendDecision.unsupported(c) == nil, "\(path) \(workload) \(direction)")
                c.trap = .thread
                #expect(try TrapBackendDecision.decide(c).backend == .thread)
            }
        }
        // The native path runs no vCPU at all.
        #expect(try TrapBackendDecision.decide(PathConfig(path: .native)).backend == .none)
    }

    @Test(arguments: [PathKind.vwifi, .passthrough])
    func autoPicksKVMWhereItWorks(path: PathKind) throws {
        var c = PathConfig(path: path)
        c.trap = .auto
        let decision = try TrapBackendDecision.decide(c)
        #expect(decision.backend == (KVMBackendHere.usable ? .kvm : .thread), "\(decision.reason)")
        #expect(!decision.reason.isEmpty)
    }

    @Test func threadTrapEmulatesIoeventfdWithoutTheExitHandler() throws {
        var c = PathConfig(path: .vwifi)
        c.trap = .thread
        c.doorbell = .ioeventfd
        c.packets = 300
        c.warmupPackets = 10
        c.air = .none
        c.counters = []
        let r = try PipelineExecutor().run(c, control: RunControl())
        #expect(r.summary.packetsDelivered == 300)
        #expect(r.summary.exits == 0)
        #expect(r.trapReason.contains("ioeventfd"))
    }
}
