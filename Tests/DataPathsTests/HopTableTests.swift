import Foundation
import Testing
@testable import DataPaths
import Platform

/// README's hop tables (one per path and trap backend) against the hops the real pipelines
/// measure from their stamps: a hop the code makes and the table lacks, or the reverse, fails.
@Suite(.serialized) struct HopTableTests {
    struct Row: Equatable, CustomStringConvertible {
        var path: String, from: String, to: String, mechanism: String, perPacket: Double
        var description: String { "\(path): \(from) -> \(to) [\(mechanism)] x\(perPacket)" }
        func sameHop(_ o: Row) -> Bool { path == o.path && from == o.from && to == o.to && mechanism == o.mechanism }
    }

    /// Crossings fewer packets than this take are the run's noise (a frame riding another's
    /// interrupt when a thread was descheduled), not its structure.
    static let noiseFloor = 0.2
    static let tolerance = 0.15

    static let readme: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""
    }()

    /// README's table for `path` on `backend`: the rows under the caption
    /// "**path**, trap backend `backend`:" (or "**path**, trap backend `backend`, `variant`:").
    static func documented(_ path: String, backend: String, variant: String? = nil) -> [Row] {
        let caption = "**\(path)**, trap backend `\(backend)`" + (variant.map { ", `\($0)`" } ?? "") + ":"
        let lines = readme.components(separatedBy: "\n")
        guard let start = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == caption }) else { return [] }
        var rows: [Row] = []
        var inTable = false
        for line in lines[(start + 1)...] {
            let t = line.trimmingCharacters(in: .whitespaces)
            if !t.hasPrefix("|") {
                if inTable || !t.isEmpty { break }
                continue
            }
            inTable = true
            let cells = t.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "`", with: "") }
            guard cells.count >= 5, let perPacket = Double(cells[4]) else { continue }   // header, rule
            rows.append(Row(path: cells[0], from: cells[1], to: cells[2], mechanism: cells[3], perPacket: perPacket))
        }
        return rows
    }

    func run(_ path: PathKind, _ edit: (inout PathConfig) -> Void = { _ in }) throws -> PathResult {
        var c = PathConfig(path: path)
        c.packets = 300
        c.warmupPackets = 20
        c.air = .none
        // Paced: interrupts one frame at a time (saturatedRunsHaveTheSameHops covers batches).
        c.rate = 1_000
        c.trap = .thread
        edit(&c)
        return try PipelineExecutor().run(c, control: RunControl())
    }

    func ping(_ c: inout PathConfig) {
        c.workload = .ping
        c.pingCount = 60
        c.pingIntervalMs = 1
        c.warmupPackets = 10
    }

    func check(_ r: PathResult, _ path: String, variant: String? = nil) {
        let backend = r.summary.trapBackend
        let paths = Set(CriticalPath.of(r.config).map(\.rawValue))
        let expected = Self.documented(path, backend: backend, variant: variant).filter { paths.contains($0.path) }
        #expect(!expected.isEmpty, "README has no hop table for \(path) on \(backend) (\(paths.sorted()))")
        let measured = r.hops.map { Row(path: $0.path, from: $0.from, to: $0.to, mechanism: $0.mechanism, perPacket: $0.perPacket) }
        let structural = measured.filter { $0.perPacket >= Self.noiseFloor }
        #expect(structural.count == expected.count && zip(structural, expected).allSatisfy { $0.sameHop($1) },
                "\(path) on \(backend): measured \(structural), README \(expected); all measured: \(r.hops)")
        for (m, e) in zip(structural, expected) where m.sameHop(e) {
            #expect(abs(m.perPacket - e.perPacket) <= Self.tolerance, "\(m) against README's \(e)")
        }
        for h in r.hops where h.perPacket >= Self.noiseFloor { #expect(h.medianCycles > 0, "\(h)") }
    }

    @Test(arguments: [PathKind.native, .passthrough, .vwifi])
    func transmitHopsAreTheDocumentedOnes(_ path: PathKind) throws {
        check(try run(path), path.rawValue)
    }

    @Test(arguments: [PathKind.native, .passthrough, .vwifi])
    func receiveHopsAreTheDocumentedOnes(_ path: PathKind) throws {
        check(try run(path) { $0.direction = .rx }, path.rawValue)
    }

    @Test(arguments: [PathKind.native, .passthrough, .vwifi])
    func pingHopsAreTheDocumentedOnes(_ path: PathKind) throws {
        check(try run(path, ping), path.rawValue)
    }

    enum KVMWorkload: String, CaseIterable { case tx, rx, ping }

    /// Every VM path and workload on a real vCPU (the backend the paper suite uses where it runs).
    @Test(.enabled(if: KVMBackendHere.usable, "the kvm trap backend cannot run here: \(KVMBackendHere.why)"),
          arguments: [PathKind.passthrough, .vwifi], KVMWorkload.allCases)
    func kvmHopsAreTheDocumentedOnes(_ path: PathKind, _ workload: KVMWorkload) throws {
        let r = try run(path) {
            $0.trap = .kvm
            $0.packets = 400
            switch workload {
            case .tx: break
            case .rx: $0.direction = .rx
            case .ping: ping(&$0)
            }
        }
        #expect(r.summary.trapBackend == "kvm")
        check(r, path.rawValue)
    }

    /// A real program's packets through a VM ride the path's own hops: the guest stack's wake-up
    /// and its raise of the VM's line, which the real system lacks, carry no stamp (README: "Real
    /// programs through a VM") and add no measured row.
    @Test(.enabled(if: KVMBackendHere.usable && (try? ToolInvocation.checkInstalled(.iperf3TCP)) != nil,
                   "needs the kvm backend and iperf3: \(KVMBackendHere.why)"),
          arguments: [PathKind.passthrough, .vwifi], [Direction.tx, .rx])
    func aProgramThroughAVMRidesThePathsDocumentedHops(_ path: PathKind, _ direction: Direction) throws {
        var c = PathConfig(path: path)
        c.trap = .kvm
        c.traffic = .iperf3TCP
        c.direction = direction
        c.duration = 1
        let r = try PipelineExecutor().run(c, control: RunControl())
        #expect(r.summary.trapBackend == "kvm")
        check(r, path.rawValue)
    }

    @Test func vwifiWithAnIOEventFDDoorbellHasNoExitHandlerHop() throws {
        check(try run(.vwifi) { $0.doorbell = .ioeventfd }, "vwifi", variant: "--doorbell ioeventfd")
    }

    @Test(.enabled(if: KVMBackendHere.usable, "the kvm trap backend cannot run here: \(KVMBackendHere.why)"))
    func vwifiOnKVMWithAnIOEventFDDoorbellExitsInTheKernelOnly() throws {
        let r = try run(.vwifi) { $0.trap = .kvm; $0.packets = 400; $0.doorbell = .ioeventfd }
        #expect(r.summary.trapBackend == "kvm")
        check(r, "vwifi", variant: "--doorbell ioeventfd")
    }

    /// At saturation interrupts cover several frames; each frame still crosses each hop once.
    @Test(arguments: [PathKind.native, .passthrough, .vwifi])
    func saturatedRunsHaveTheSameHops(_ path: PathKind) throws {
        check(try run(path) { $0.rate = nil; $0.packets = 2_000 }, path.rawValue)
    }

    @Test func readmeHasATableForEveryPathAndBackend() {
        for (path, backend) in [("native", "none"), ("passthrough", "thread"), ("passthrough", "kvm"), ("vwifi", "thread"), ("vwifi", "kvm")] {
            #expect(!Self.documented(path, backend: backend).isEmpty, "\(path) on \(backend)")
        }
    }
}
