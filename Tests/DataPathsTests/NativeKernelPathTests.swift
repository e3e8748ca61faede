import Foundation
import Testing
@testable import DataPaths
import Platform

/// The native path goes through the real kernel stack of a namespace the run makes: the app's
/// send() runs UDP/IP (network_stack), the driver's transmit routine takes the
/// kernel's packet, and received frames reach the app's socket through the kernel.
@Suite(.serialized) struct NativeKernelPathTests {
    /// PipelineTests' small unpaced run, 400 packets.
    func run(_ edit: (inout PathConfig) -> Void) throws -> PathResult {
        try PipelineTests().run(.native) { $0.packets = 400; edit(&$0) }
    }

    func cycles(_ r: PathResult, _ component: Component, _ category: TimeCategory) -> Double {
        r.categories.filter { $0.component == component && $0.category == category }.reduce(0) { $0 + $1.cycles }
    }

    /// What each of `fds` refers to now (its /proc/self/fd link: a socket or anon inode names a
    /// live kernel object uniquely), nil for a closed descriptor.
    static func links(_ fds: [Int32]) -> [Int32: String] {
        var out: [Int32: String] = [:]
        for fd in fds {
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)") { out[fd] = target }
        }
        return out
    }

    final class Seen: @unchecked Sendable {
        // SAFETY: written once by the executor's afterStart seam, read after the run returned.
        var links: [Int32: String] = [:]
    }

    @Test func sendRunsTheKernelStackOnTheAppThread() throws {
        var c = PathConfig(path: .native)
        c.packets = 400
        c.warmupPackets = 20
        c.air = .none
        c.counters = ["perf::TASK-CLOCK"]
        let seen = Seen()
        var executor = PipelineExecutor()
        executor.afterStart = { pipeline in seen.links = Self.links(pipeline.sockets) }
        let r = try executor.run(c, control: RunControl())
        #expect(r.summary.packetsSent == 400 && r.summary.packetsDelivered == 400)
        #expect(cycles(r, .app, .networkStack) > 0)
        let stages = Set(r.stages.filter { $0.chain == "tx_extra_path" }.map(\.stage))
        #expect(stages.isSuperset(of: ["host_driver_receipt", "queued_to_device"]), "\(stages)")
        // The TUN fd and the socket close with the run, and the namespace with them: none of the
        // run's descriptors still names the kernel object it named (other tests running in
        // parallel may reuse the numbers, never the objects).
        #expect(seen.links.values.contains("/dev/net/tun"), "the run had no TUN device: \(seen.links)")
        let after = Self.links(Array(seen.links.keys))
        let survivors = seen.links.filter { after[$0.key] == $0.value && $0.value != "/dev/net/tun" }
        #expect(survivors.isEmpty, "descriptors that outlived the run: \(survivors)")
    }

    @Test func receivedFramesReachTheSocketThroughTheKernel() throws {
        let r = try run { $0.direction = .rx; $0.rate = 5_000 }
        #expect(r.summary.packetsDelivered + r.summary.packetsDropped == 400)
        #expect(r.summary.packetsDelivered > 0)
        #expect(cycles(r, .hostDriver, .networkStack) > 0)
        #expect(r.stages.contains { $0.stage == "rx_delivery" })
    }

    @Test func echoRepliesComeBackThroughTheKernel() throws {
        let r = try run { $0.workload = .ping; $0.pingCount = 20; $0.pingIntervalMs = 1 }
        #expect(r.summary.packetsSent == 20)
        #expect(r.rttMs.count == 20)
    }
}
