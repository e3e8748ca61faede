import CVWiFiShim
import Foundation
import Measurement
import Testing
@testable import VMM

/// Absorbs the doorbell (the idle guest never rings it; the runner wants a device there).
final class NullDevice: BusDevice {
    func read(offset: UInt64, data: UnsafeMutableRawBufferPointer) {}
    func write(offset: UInt64, data: UnsafeRawBufferPointer) {}
}

/// The guest program's idle driver: a one-shot timer armed by a trapping store each tick, its
/// ticks injected by the vCPU thread through the interrupt line.
@Suite(.serialized, .enabled(if: KVMHere.usable, "/dev/kvm cannot run a CPL3 long-mode guest here: \(KVMHere.availability.reason)"))
struct GuestIdleModeTests {
    func idleRunner(memory: TestRAM, periodTicks: UInt64) throws -> GuestDriverRunner {
        let layout = GuestLayout(memorySize: memory.ram.size)
        var parameters = GuestDriverParameters.standard(layout: layout, packetCount: 0)
        parameters.mode = .idle
        parameters.timerAddress = 0xFEE0_0000
        parameters.timerPeriodTicks = periodTicks
        let bus = MMIOBus()
        try bus.insert(NullDevice(), base: parameters.doorbellAddress, length: 4)
        let runner = try GuestDriverRunner(vm: try KVMVirtualMachine(ram: memory.ram), layout: layout,
                                           parameters: parameters, bus: bus)
        runner.tscHz = TSCClock.shared.hz
        return runner
    }

    @Test func eachTickIsInjectedAndReArmedByATrappingStore() throws {
        let memory = try TestRAM()
        let runner = try idleRunner(memory: memory, periodTicks: UInt64(TSCClock.shared.hz / 1_000))
        var stores = 0
        runner.exitObserver = { reason in
            if reason == .mmioWrite { stores += 1 }
            return runner.timerInterrupts < 20
        }
        let start = vw_monotonic_ns()
        let report = try runner.run(waitTimeoutNanoseconds: 2_000_000_000)
        runner.exitObserver = nil
        let elapsedMs = Double(vw_monotonic_ns() - start) / 1e6
        #expect(report.stopped)
        #expect(runner.timerInterrupts == 20)
        // 20 ticks of 1 ms: never early (a loaded machine may be late).
        #expect(elapsedMs >= 19, "\(elapsedMs) ms")
        // The guest took every tick but perhaps the last (the run stopped right after it was raised).
        let taken = runner.guestCount(GuestMailbox.ticks)
        #expect(taken >= 19 && taken <= 20, "guest took \(taken) ticks")
        #expect(stores >= taken, "one arming store per tick taken, plus the first")
    }

    @Test func aDeadlineFarAwayIsAWaitTimeoutNotAnOverflow() throws {
        let memory = try TestRAM()
        // rdtsc + period: a deadline about half the TSC range away (as a hostile guest may write).
        let runner = try idleRunner(memory: memory, periodTicks: UInt64.max / 2)
        #expect { _ = try runner.run(waitTimeoutNanoseconds: 50_000_000) } throws: {
            ($0 as? VMMError)?.message.contains("never came") == true
        }
        #expect(runner.timerInterrupts == 0)
    }
}
