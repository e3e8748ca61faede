import Foundation
import Synchronization
import Testing
@testable import DataPaths
import Platform

/// A suite runs hundreds of pipelines in one process: each must be freed when its run ends,
/// with every component (a retain cycle kept tens of MB of stamp logs and exit samples alive
/// per run). Checked with weak references taken while the pipeline runs.
@Suite(.serialized) struct PipelineLifetimeTests {
    final class Watch: @unchecked Sendable {
        // Sound: written by the executor's afterStart hook on the calling thread, read after run returns.
        weak var pipeline: Pipeline?
        weak var deviceModel: DeviceModel?
        weak var guest: ThreadGuest?
        weak var device: PhysicalDevice?
        weak var kvmGuest: KVMGuest?
    }

    func runAndWatch(_ path: PathKind, _ edit: (inout PathConfig) -> Void = { _ in }) throws -> Watch {
        let watch = Watch()
        var c = PathConfig(path: path)
        c.packets = 200
        c.warmupPackets = 10
        c.air = .none
        edit(&c)
        var executor = PipelineExecutor()
        executor.afterStart = { p in
            watch.pipeline = p
            watch.deviceModel = p.deviceModel
            watch.guest = p.guest
            watch.device = p.device
            watch.kvmGuest = p.kvmGuest
        }
        _ = try executor.run(c, control: RunControl())
        return watch
    }

    @Test(arguments: [PathKind.native, .passthrough, .vwifi])
    func aFinishedPipelineIsFreed(_ path: PathKind) throws {
        let w = try runAndWatch(path) { $0.trap = .thread }
        #expect(w.pipeline == nil, "the pipeline outlived its run")
        #expect(w.device == nil && w.guest == nil && w.deviceModel == nil, "a component outlived its run")
    }

    @Test func aFinishedKVMPipelineIsFreed() throws {
        guard KVMBackendHere.usable else { return }
        let w = try runAndWatch(.vwifi) { $0.trap = .kvm }
        #expect(w.pipeline == nil && w.kvmGuest == nil && w.deviceModel == nil)
    }

    @Test func aCancelledPipelineIsFreed() throws {
        let watch = Watch()
        var c = PathConfig(path: .vwifi)
        c.trap = .thread
        c.packets = 1_000_000
        let control = RunControl()
        var executor = PipelineExecutor()
        executor.afterStart = { p in
            watch.pipeline = p
            control.cancel()
        }
        #expect(throws: RunCancelled.self) { _ = try executor.run(c, control: control) }
        #expect(watch.pipeline == nil)
    }
}
