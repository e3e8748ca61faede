import Foundation
import Testing
@testable import DataPaths
import Measurement
import Platform
import Synchronization

/// A stalled pipeline fails with the stage that stopped: each test parks one real
/// pipeline thread before it starts (`PipelineControl.hold`, via the executor's `beforeStart`
/// seam) and checks the watchdog's message names that stage, not its neighbours, which
/// back-pressure stops as well.
@Suite(.serialized) struct WatchdogTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let path: PathKind
        let thread: String
        let label: String
        /// What the message must say is waiting for the stage.
        let waiting: String
        var testDescription: String { "\(path.rawValue): \(thread)" }
    }

    static let cases: [Case] = [
        Case(path: .vwifi, thread: "vw-devmodel", label: "device model", waiting: "guest has 8 descriptors queued for it"),
        Case(path: .vwifi, thread: "vw-ucode", label: "μCode",
             waiting: "the device model (the host driver's command handling in its system call) has 8 descriptors queued for it"),
        Case(path: .vwifi, thread: "vw-hostdrv", label: "host driver (interrupt context)", waiting: "completions queued for it"),
        Case(path: .vwifi, thread: "vw-hv-exit", label: "exit handler", waiting: "guest has a trapped access waiting for it"),
        Case(path: .vwifi, thread: "vw-guest", label: "guest", waiting: "nothing is queued for any stage"),
        Case(path: .native, thread: "vw-hostdrv", label: "host driver", waiting: "completions queued for it"),
        Case(path: .native, thread: "vw-ucode", label: "μCode", waiting: "the app (the host driver's transmit routine) has 8 descriptors queued for it"),
    ]

    /// Runs `config` with `thread` held from the start; the watchdog's message.
    static func stallMessage(_ config: PathConfig, holding thread: String) throws -> String? {
        var executor = PipelineExecutor()
        executor.stallSeconds = 0.5
        executor.beforeStart = { p in
            guard let account = p.accounts.first(where: { $0.name == thread }) else {
                Issue.record("no thread named \(thread) in the \(p.config.path.rawValue) pipeline")
                return
            }
            p.control.hold(account)
        }
        do {
            _ = try executor.run(config, control: RunControl())
            Issue.record("the run with \(thread) held finished instead of stalling")
            return nil
        } catch PipelineError.stalled(let message) {
            return message
        }
    }

    /// Unpaced, small rings: a held stage backs work up behind it at once.
    static func unpacedConfig(_ path: PathKind, vms: Int = 1) -> PathConfig {
        var config = PathConfig(path: path)
        config.vms = vms
        config.packets = 2_000
        config.warmupPackets = 10
        config.air = .none
        config.trap = .thread
        config.ringSize = 8
        config.counters = ["perf::TASK-CLOCK"]
        return config
    }

    @Test(arguments: cases)
    func watchdogNamesTheHeldStage(_ c: Case) throws {
        let config = Self.unpacedConfig(c.path)
        let started = Date()
        guard let m = try Self.stallMessage(config, holding: c.thread) else { return }
        #expect(m.hasPrefix("\(c.label) (\(c.thread)) made no progress for 0.5 s"), "\(m)")
        #expect(m.contains(c.waiting), "\(m)")
        #expect(m.contains("last progress: "), "\(m)")
        // Bounded: the watchdog fails the run instead of hanging (generous for a shared machine).
        #expect(Date().timeIntervalSince(started) < 30)
    }

    @Test func stalledStageIsNamedPerVMWhenSeveralShareThePipeline() throws {
        let config = Self.unpacedConfig(.vwifi, vms: 2)
        guard let m = try Self.stallMessage(config, holding: "vw-devmodel2") else { return }
        #expect(m.hasPrefix("device model (VM 2) (vw-devmodel2) made no progress"), "\(m)")
        #expect(m.contains("guest (VM 2) has 8 descriptors queued for it"), "\(m)")
    }
}

/// The hold seam parks exactly the held thread: the system call handlers' accounts, which run on
/// another account's thread and carry no hold number, are never parked, not even when the
/// release (which stores "none", 0) lands between a thread's check and its wait.
@Suite struct HoldSeamTests {
    @Test func anUnnumberedAccountIsNotParkedByTheRelease() throws {
        let control = PipelineControl()
        let held = ThreadAccount(component: .guest, name: "vw-guest2", stampCapacity: 0, stampsEnabled: false, events: [])
        held.holdID = 7
        let handler = ThreadAccount(component: .hostDriver, name: "vw-devmodel:hostdrv", stampCapacity: 0,
                                    stampsEnabled: false, events: [])
        #expect(handler.holdID == 0)
        control.hold(held)
        // The caller saw a held thread (`holdsAThread`) and the release came before its wait.
        control.release()
        let returned = Atomic<Bool>(false)
        let waiter = try OSThread.start(name: "vw-test-hold") { _ in
            control.waitWhileHeld(handler)
            returned.store(true, ordering: .releasing)
        }
        let deadline = Date().addingTimeInterval(10)
        while !returned.load(ordering: .acquiring) && Date() < deadline { usleep(1_000) }
        let wasParked = !returned.load(ordering: .acquiring)
        control.stop()  // frees a parked waiter so the join cannot hang
        waiter.join()
        #expect(!wasParked, "the released hold parked an account nobody held")
    }
}
