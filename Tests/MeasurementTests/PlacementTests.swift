@preconcurrency import CNuma
import CVWiFiShim
import Glibc
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
        let thread = try #require(NativeThread.start { _ in
            do throws(PlacementError) {
                box.result = .success(try Placement.pinCurrentThread(cpu: target))
            } catch {
                box.result = .failure(error)
            }
            box.actual = vw_current_cpu()
        })
        thread.join()  // the join orders the box's writes before these reads
        let applied = try #require(try box.result?.get())
        #expect(applied.requestedCPU == target)
        #expect(applied.allowedCPUs == [target])
        #expect(applied.runningOn == target)
        #expect(Int(box.actual) == target)
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
