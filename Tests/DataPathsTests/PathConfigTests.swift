import Testing
@testable import DataPaths

@Suite struct PathConfigTests {
    @Test func optionsParseAndNameTheFieldWhenWrong() throws {
        var c = PathConfig(path: .vwifi)
        try c.set("packets", to: "1000")
        try c.set("translation", to: "iommu")
        try c.set("coalesce-device-model", to: "10")
        #expect(c.packets == 1000 && c.translation == .iommu && c.coalesceDeviceModel == 10)
        #expect(throws: ConfigError.self) { try c.set("coalesce-device-model", to: "0") }
        do {
            try c.set("size", to: "-5")
            Issue.record("negative size accepted")
        } catch {
            #expect(error.field == "size")
        }
        do {
            try c.set("air", to: "80211n")
            Issue.record("unknown air accepted")
        } catch {
            #expect(error.fix.contains("80211g"))
        }
    }

    @Test func impossibleCombinationsAreRejected() throws {
        var c = PathConfig(path: .native)
        c.translation = .iommu
        #expect(throws: ConfigError.self) { try c.validate() }
        var p = PathConfig(path: .passthrough)
        p.coalesceDeviceModel = 10
        #expect(throws: ConfigError.self) { try p.validate() }
        try PathConfig(path: .vwifi).validate()
    }
}
