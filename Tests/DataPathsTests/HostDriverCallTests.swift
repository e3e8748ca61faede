import CVWiFiShim
import Foundation
import Testing
@testable import DataPaths
import Measurement
import Platform

/// vwifi's device model hands each command to the augmented host driver by a system call, and
/// the driver's command handling runs right after it on the device model's thread; the driver's
/// own thread is interrupt context only (completions, RX). Checked on real pipelines.
@Suite(.serialized) struct HostDriverCallTests {
    final class Box: @unchecked Sendable {
        // SAFETY: written by the executor's thread in the seam, read by the test after `run`.
        var pipeline: Pipeline?
    }

    static func run(vms: Int, workload: Workload = .udp) throws -> (PathResult, Pipeline) {
        var c = PathConfig(path: .vwifi)
        c.vms = vms
        c.workload = workload
        c.packets = 400
        c.pingCount = 40
        c.pingIntervalMs = 0
        c.warmupPackets = 20
        c.air = .none
        c.trap = .thread
        c.counters = ["perf::TASK-CLOCK"]
        let box = Box()
        var executor = PipelineExecutor()
        executor.beforeStart = { box.pipeline = $0 }
        let r = try executor.run(c, control: RunControl())
        return (r, try #require(box.pipeline))
    }

    @Test(arguments: [1, 3])
    func commandsAreReceivedAndQueuedOnTheDeviceModelsThread(vms: Int) throws {
        let (r, p) = try Self.run(vms: vms)
        #expect(r.summary.packetsDelivered == 400 * vms && r.summary.packetsDropped == 0)
        let driverThread = try #require(p.accounts.first { $0.name == "vw-hostdrv" })
        for stage in [Stage.hostDriverReceipt, .queuedToDevice] {
            #expect(!driverThread.stamps.stamps.contains { $0.stage == stage.rawValue },
                    "the host driver's interrupt thread stamped \(stage.name): commands crossed to it")
        }
        for machine in p.machines {
            let model = machine.model.account
            let port = try #require(model.hosting, "VM \(machine.vmID)'s model hosts no host-driver account")
            #expect(port.component == .hostDriver && port.cpuShare == .callerContext)
            #expect(port.tid == model.tid && port.tid != driverThread.tid, "the command handling ran on another thread")
            let receipts = port.stamps.stamps.filter { $0.stage == Stage.hostDriverReceipt.rawValue }.count
            #expect(receipts >= 400, "VM \(machine.vmID): \(receipts) receipts in its model's system calls")
            #expect(port.cycles(in: .systemCalls) > 0)
            #expect((port.usage?.systemSeconds ?? 0) > 0, "the handling's cycles are the host driver's CPU")
        }
        // The host driver's CPU includes its handling in the callers' context. (Whether the rows
        // add up to the process's CPU is CPUAddsUpTests' check, on the CLI in its own process: here
        // getrusage's process total includes whatever other suites run at the same time.)
        let hostDriverCPU = r.cpu.filter { $0.component == .hostDriver }.reduce(0) { $0 + $1.cpuPercent }
        #expect(hostDriverCPU > 0)
    }

    @Test func theDeviceServesEveryVMsQueueInTurn() throws {
        let queues = try HostDeviceQueues(ringSize: 8, rxBuffers: 1, txQueueCount: 3)
        let device = DeviceTXQueues(queues.wiring(iommu: nil))
        for (queue, seqs) in [(0, [1, 4]), (1, [2]), (2, [3, 5])] {
            for seq in seqs { #expect(queues.txQueues[queue].push(Descriptor(seq: UInt32(seq)))) }
        }
        #expect(device.count == 5)
        var order: [UInt32] = []
        var d = Descriptor()
        while device.pop(into: &d) { order.append(d.seq) }
        #expect(order == [1, 2, 3, 4, 5], "one descriptor per non-empty queue per turn")
        #expect(device.isEmpty)
    }

    @Test func pingEchoesComeBackThroughTheInterruptContext() throws {
        let (r, _) = try Self.run(vms: 1, workload: .ping)
        #expect(r.rttMs.count == 40)
        #expect(r.summary.packetsDropped == 0)
    }
}
