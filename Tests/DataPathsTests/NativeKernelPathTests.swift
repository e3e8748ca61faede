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

    static func openDescriptors() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
    }

    @Test func sendRunsTheKernelStackOnTheAppThread() throws {
        let before = Self.openDescriptors()
        let r = try run { _ in }
        #expect(r.summary.packetsSent == 400 && r.summary.packetsDelivered == 400)
        #expect(cycles(r, .app, .networkStack) > 0)
        let stages = Set(r.stages.filter { $0.chain == "tx_extra_path" }.map(\.stage))
        #expect(stages.isSuperset(of: ["host_driver_receipt", "queued_to_device"]), "\(stages)")
        // The TUN fd and the socket close with the run, and the namespace with them.
        #expect(Self.openDescriptors() == before)
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
