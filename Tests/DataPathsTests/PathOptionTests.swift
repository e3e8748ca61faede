import Foundation
import Testing
@testable import DataPaths

/// The option table is the one list of data-path options: these check it is coherent.
@Suite struct PathOptionTests {
    @Test func namesAndFlagsAreUniqueAndSetAcceptsExactlyThem() throws {
        #expect(Set(PathOption.names).count == PathOption.all.count)
        #expect(Set(PathOption.all.map(\.flag)).count == PathOption.all.count)
        #expect(PathConfig.optionNames == PathOption.names)
        for option in PathOption.all {
            var c = PathConfig(path: .vwifi)
            try c.set(option.name, to: Self.sample(option))
        }
        var c = PathConfig(path: .vwifi)
        do {
            try c.set("colour", to: "blue")
            Issue.record("an unknown option was accepted")
        } catch {
            #expect(error.problem == "unknown option" && error.fix.contains("kvm-device, vms"))
        }
    }

    /// A value each option accepts, from what the table says it takes.
    static func sample(_ option: PathOption) -> String {
        switch option.values {
        case .integer(let r, _): String(r.lowerBound)
        case .number(let r): String(r.upperBound)
        case .unsigned: "7"
        case .boolean: "true"
        case .choice(let c): c.last!
        case .list: "cycles,instructions"
        case .text: "/dev/null"
        }
    }
}
