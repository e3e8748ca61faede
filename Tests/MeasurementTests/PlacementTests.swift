@preconcurrency import CNuma
import CVWiFiShim
import Glibc
import Synchronization
import Testing
@testable import Measurement

@Suite struct PlacementTests {
    @Test func libnumaLinksAndAnswers() {
        #expect(numa_available() >= 0 || !Placement.numaAvailable)
        let nodes = Placement.nodes()
        #expect(!nodes.isEmpty)
        #expect(nodes.flatMap(\.cpus).count >= 1)
    }

    @Test func pinningReportsTheCPUTheThreadRunsOn() throws {
        let cpus = Placement.allowedCPUs()
        let target = try #require(cpus.last)
        // Pin a fresh thread so the test runner's own threads keep their affinity.
        final class Box: @unchecked Sendable { var result: Result<AppliedPlacement, PlacementError>?; var actual: Int32 = -1 }
        let box = Box()
        let thread = try OSThread.start { _ in
            do throws(PlacementError) {
                box.result = .success(try Placement.pinCurrentThread(cpu: target))
            } catch {
                box.result = .failure(error)
            }
            box.actual = vw_current_cpu()
        }
        thread.join()  // the join orders the box's writes before these reads
        let applied = try #require(try box.result?.get())
        #expect(applied.requestedCPU == target)
        #expect(applied.allowedCPUs == [target])
        #expect(applied.runningOn == target)
        #expect(Int(box.actual) == target)
    }

    @Test func pinningAnotherThreadMovesIt() throws {
        final class Shared: Sendable {
            let tid = Atomic<Int32>(0)
            let phase = Atomic<Int>(0)  // 0 wait for pin, 1 pinned: report cpu, 2 reported, 3 exit
            let cpu = Atomic<Int32>(-1)
        }
        let shared = Shared()
        let target = try #require(Placement.allowedCPUs().first)
        let worker = try OSThread.start { tid in
            shared.tid.store(tid, ordering: .releasing)
            while shared.phase.load(ordering: .acquiring) == 0 { yieldBriefly() }
            yieldBriefly()  // sleep once so the kernel applies the new mask when it wakes us
            shared.cpu.store(vw_current_cpu(), ordering: .relaxed)
            shared.phase.store(2, ordering: .releasing)
            while shared.phase.load(ordering: .acquiring) != 3 { yieldBriefly() }
        }
        while shared.tid.load(ordering: .acquiring) == 0 { yieldBriefly() }
        let tid = shared.tid.load(ordering: .acquiring)
        let applied = try Placement.pin(tid: tid, cpu: target)
        #expect(applied.allowedCPUs == [target])
        shared.phase.store(1, ordering: .releasing)
        while shared.phase.load(ordering: .acquiring) != 2 { yieldBriefly() }
        #expect(Int(shared.cpu.load(ordering: .relaxed)) == target)
        #expect(Placement.lastCPU(tid: tid) == target)
        shared.phase.store(3, ordering: .releasing)
        worker.join()
    }

    @Test func pinningToANonexistentCPUExplains() {
        #expect(throws: PlacementError.self) { _ = try Placement.pin(tid: vw_gettid(), cpu: 100_000) }
    }

    @Test func memoryBindingIsReadBack() throws {
        let node = try #require(Placement.nodes().first?.id)
        let length = 16 * 4096
        var err: Int32 = 0
        let memory = try #require(vw_mmap_anonymous(length, 0, &err))
        defer { _ = vw_munmap(memory, length) }
        let applied = Placement.bindMemory(memory, length: length, node: node)
        if Placement.numaAvailable {
            #expect(applied.bound, "\(applied.note)")
            #expect(applied.pagesChecked > 0)
            #expect(applied.pagesOnNode == applied.pagesChecked)
        }
        #expect(!applied.note.isEmpty)
    }
}
