import Foundation
import Measurement
import Testing
@testable import SystemProbe

@Suite struct MachineReportTests {
    static let report = MachineReport.probe()

    @Test func jsonParsesAndCarriesEverySection() throws {
        let text = try Self.report.json()
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        let top = try #require(object as? [String: Any])
        for key in ["cpu", "kernel", "tsc", "counters", "permissions", "numa", "kvm", "network", "tools"] {
            #expect(top[key] != nil, "missing key \(key)")
        }
        let tsc = try #require(top["tsc"] as? [String: Any])
        #expect((tsc["hz"] as? Double ?? 0) > 0)
        #expect(tsc["invariant"] is Bool)
        let counters = try #require(top["counters"] as? [[String: Any]])
        #expect(counters.count == CounterGroup.defaultEvents.count)
        for counter in counters {
            #expect(counter["name"] is String && counter["available"] is Bool && counter["reason"] is String)
        }
        let permissions = try #require(top["permissions"] as? [String: Any])
        #expect(permissions["root"] is Bool)
        let kvm = try #require(top["kvm"] as? [String: Any])
        #expect(kvm["present"] is Bool)
        #expect(kvm["trap_backend_usable"] is Bool)
        #expect((kvm["trap_backend_reason"] as? String)?.isEmpty == false)
    }

    @Test func tableHasOneSectionPerKeyAndExplainsWhatIsMissing() {
        let table = Self.report.table()
        for key in ["cpu", "kernel", "tsc", "counters", "permissions", "numa", "kvm", "network", "tools"] {
            #expect(table.contains("[\(key)]"), "table lacks section \(key)")
        }
        for counter in Self.report.counters where !counter.available {
            #expect(table.contains(counter.reason))
        }
        for warning in Self.report.warnings {
            #expect(table.contains(warning))
        }
    }

    @Test func missingKVMDeviceIsExplained() {
        let kvm = KVMSection.probe(device: "/nonexistent/kvm")
        #expect(!kvm.present)
        #expect(kvm.reason.contains("/nonexistent/kvm"))
        #expect(!kvm.trapBackendUsable)
        #expect(kvm.trapBackendReason.contains("/nonexistent/kvm"))
        #expect(kvm.apiVersion == nil)
        let report = MachineReport(cpu: Self.report.cpu, kernel: Self.report.kernel, tsc: Self.report.tsc,
                                   counters: Self.report.counters, permissions: Self.report.permissions,
                                   numa: Self.report.numa, kvm: kvm, network: Self.report.network,
                                   tools: Self.report.tools)
        #expect(report.warnings.contains { $0.contains("KVM unavailable") })
    }

    @Test func cpuListsAreCompressedToRanges() {
        #expect(ReportTable.list([0, 1, 2, 5, 7, 8]) == "0-2,5,7-8")
        #expect(ReportTable.list([]) == "none")
        #expect(ReportTable.fixed(2.5, 2) == "2.50")
    }
}
