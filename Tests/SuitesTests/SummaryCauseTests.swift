// SUMMARY's "where it differs" sentences come from the run's own stage and CPU tables.
import Foundation
import Testing
@testable import Suites

@Suite struct SummaryCauseTests {
    func directory(_ files: [String: String]) throws -> ResultsDirectory {
        let path = NSTemporaryDirectory() + "vw-cause-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: path + "/" + name, atomically: true, encoding: .utf8) }
        return ResultsDirectory(path: path)
    }

    @Test func aLatencyInversionNamesTheStageWithTheLargestExcess() throws {
        let dir = try directory([
            ResultLayout.rawStages: """
            experiment,figure,point,row,repetition,seed,stage,chain,count,cycles_median
            ping-native,fig5_latency,default,native,0,1,host_driver_receipt,tx_extra_path,150,40000
            ping-native,fig5_latency,default,native,1,1,host_driver_receipt,tx_extra_path,150,60000
            ping-native,fig5_latency,default,native,0,1,air,completion_path,150,800000
            ping-passthrough,fig5_latency,default,passthrough,0,1,air,completion_path,150,810000
            ping-passthrough,fig5_latency,default,passthrough,0,1,rx_dma,rx_path,150,2000
            fig5-native,fig5_throughput,default,native,0,1,host_driver_receipt,tx_extra_path,150,9000000
            """,
            ResultLayout.rawSamples: "row,tsc_hz\nnative,2000000000\npassthrough,2000000000\n",
            ResultLayout.fig5Latency: "scenario,rtt_ms_median\nnative,0.9\npassthrough,0.8\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: dir.path) }
        let finding = SummaryReport.latency(dir)
        #expect(finding.agrees == false)
        // 50,000 cycles (the median of 40k and 60k; the throughput row is another figure) at 2 GHz.
        #expect(finding.measured.contains("Where it differs: native > passthrough: native's `host_driver_receipt` stage takes 25 us more (median 25 against 0 us)"))
        #expect(SummaryReport.inversions(paperOrder: ["native", "passthrough"], measured: ["native": 0.7, "passthrough": 0.8]).isEmpty)
    }

    @Test func anInversionInsideOverlappingIntervalsIsSaidToBeUnresolved() throws {
        let dir = try directory([ResultLayout.fig5Latency: """
            scenario,rtt_ms_median,ci95_low,ci95_high
            native,0.41,0.38,0.57
            passthrough,0.575,0.51,0.69
            vwifi,0.726,0.49,0.85
            vwifi-iommu,0.773,0.48,0.91
            """])
        defer { try? FileManager.default.removeItem(atPath: dir.path) }
        let finding = SummaryReport.latency(dir)
        #expect(finding.agrees == false, "the verdict still follows the medians")
        #expect(finding.measured.contains("The 95 % intervals of vwifi-iommu [0.48, 0.91] and vwifi [0.49, 0.85] overlap: this run does not resolve their order"),
                "\(finding.measured)")
        // Separated intervals: a resolved inversion gets no such remark.
        let apart = try directory([ResultLayout.fig5Latency: """
            scenario,rtt_ms_median,ci95_low,ci95_high
            native,0.9,0.88,0.92
            passthrough,0.5,0.48,0.52
            """])
        defer { try? FileManager.default.removeItem(atPath: apart.path) }
        #expect(!SummaryReport.latency(apart).measured.contains("overlap"))
    }

    @Test func aSavingInsideOverlappingIntervalsIsSaidToBeUnresolved() throws {
        let dir = try directory([ResultLayout.fig8: """
            configuration,cpu_percent,ci95_low,ci95_high
            none,33.941,30.556,36.543
            coalescing,20.583,19.454,22.604
            iommu,33.542,32.096,35.687
            """])
        defer { try? FileManager.default.removeItem(atPath: dir.path) }
        let findings = SummaryReport.optimizations(dir)
        let iommu = try #require(findings.first { $0.title == "Saving of iommu" })
        let coalescing = try #require(findings.first { $0.title == "Saving of coalescing" })
        #expect(iommu.measured.contains("The 95 % intervals of none [30.556, 36.543] and iommu [32.096, 35.687] overlap"), "\(iommu.measured)")
        #expect(!coalescing.measured.contains("overlap"), "\(coalescing.measured)")
    }

    @Test func aCPUInversionNamesTheComponentWithTheLargestExcess() throws {
        let dir = try directory([ResultLayout.fig7: """
            scenario,component,cpu_percent,counted_as_host
            native,app,3,true
            native,host_driver,6,true
            native,device,40,false
            passthrough,guest,4,true
            passthrough,hypervisor,2,true
            passthrough,device,60,false
            """])
        defer { try? FileManager.default.removeItem(atPath: dir.path) }
        let finding = SummaryReport.cpuOrdering(dir)
        #expect(finding.agrees == false)
        #expect(finding.measured.contains("Where it differs: native > passthrough: native's `host_driver` takes 6% against 0%"))
    }
}
