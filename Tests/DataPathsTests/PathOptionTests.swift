import Foundation
import Testing
@testable import DataPaths

/// The option table is the one list of data-path options: these check it is coherent, that the
/// command-line reading of it keeps the old flag behaviour, and that the docs name exactly it.
@Suite struct PathOptionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

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

    @Test func numbersTakeDashLeadingValuesAndNamesDoNot() throws {
        let a = try PathArguments(["vwifi", "--size", "-5", "--rate=-3"])
        #expect(a.path == "vwifi" && a.settings.map(\.value) == ["-5", "-3"])
        for option in ["--kvm-device", "--direction", "--counters"] {
            #expect(throws: PathArguments.Problem.self) { try PathArguments(["vwifi", option, "--json"]) }
        }
        #expect(try PathArguments(["vwifi", "--counters", ""]).settings == [.init(option: "counters", value: "")])
    }

    @Test func flagsTakeNoValueAndSetWhatTheySay() throws {
        let a = try PathArguments(["--pagemap", "passthrough", "--no-stamps", "--saturate"])
        #expect(a.path == "passthrough")
        #expect(a.settings == [.init(option: "pagemap", value: "true"), .init(option: "stamps", value: "false"),
                               .init(option: "saturate", value: "true")])
        #expect(throws: PathArguments.Problem.flagGivenAValue(flag: "--pagemap", value: "true")) {
            try PathArguments(["vwifi", "--pagemap=true"])
        }
        #expect(throws: PathArguments.Problem.unknownOption("--stamps")) { try PathArguments(["vwifi", "--stamps"]) }
    }

    @Test func structuralProblemsAreNamed() {
        #expect(throws: PathArguments.Problem.unknownOption("--bogus")) { try PathArguments(["vwifi", "--bogus", "3"]) }
        #expect(throws: PathArguments.Problem.unexpectedArgument("extra")) { try PathArguments(["vwifi", "extra"]) }
        #expect(throws: PathArguments.Problem.missingPath) { try PathArguments(["--packets", "5"]) }
        #expect(throws: PathArguments.Problem.unexpectedArgument("--json")) { try PathArguments(["vwifi", "--", "--json"]) }
        do {
            _ = try PathArguments(["vwifi", "--size"])
        } catch {
            #expect(error.description.hasPrefix("Missing value for '--size <BYTES>'"))
        }
    }

    /// The table's order, not the arguments', decides, as when each flag was its own property.
    @Test func settingsApplyInTableOrderAndTheLastRepeatWins() throws {
        var c = PathConfig(path: .vwifi)
        try PathArguments(["vwifi", "--ping", "5", "--workload", "udp", "--rate", "9", "--saturate",
                           "--size", "100", "--size", "200"]).apply(to: &c)
        #expect(c.workload == .ping && c.pingCount == 5 && c.rate == nil && c.size == 200)
    }

    // MARK: docs

    /// The flags of the "Flags:" paragraph in the README's "Run one data path" section, with the
    /// value each is shown taking (nil for a bare flag).
    static func readmeFlags() throws -> [(flag: String, value: String?)] {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "\n## Run one data path\n").dropFirst().first)
        let start = try #require(section.range(of: "\nFlags: "))
        let paragraph = section[start.upperBound...].components(separatedBy: "\n\n")[0]
        var flags: [(String, String?)] = []
        for span in paragraph.split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .filter({ $0.offset % 2 == 1 }).map(\.element) {
            let words = span.split(whereSeparator: { " []".contains($0) }).map(String.init)
            for (i, word) in words.enumerated() where word.hasPrefix("--") && word.count > 2 {
                let next = i + 1 < words.count ? words[i + 1] : nil
                flags.append((word, next.flatMap { $0 == "|" || $0.hasPrefix("--") ? nil : $0 }))
            }
        }
        return flags
    }

    @Test func readmeListsExactlyTheTablesFlagsWithTheirPlaceholders() throws {
        let flags = try Self.readmeFlags()
        // `--out`, `--json` and `--exclusive` are the command's own, not data-path options.
        let own: Set = ["--out", "--json", "--exclusive"]
        let listed = flags.filter { !own.contains($0.flag) }
        #expect(Set(flags.map(\.flag)).isSuperset(of: own), "README's Flags: paragraph lacks --out, --json or --exclusive")
        #expect(listed.map(\.flag).sorted() == PathOption.all.map(\.flag).sorted(),
                "README's Flags: paragraph (Run one data path) must name each option of PathOption.all once")
        for (flag, value) in listed {
            guard let option = PathOption.all.first(where: { $0.flag == flag }) else { continue }
            #expect(value == (option.isFlag ? nil : option.placeholder), "README shows \(flag) \(value ?? "")")
        }
    }

    /// Workloads/README.md's options table: one row per option, named as the table names it.
    @Test func suiteReadmeTablesExactlyTheOptions() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("Workloads/README.md"), encoding: .utf8)
        let section = try #require(text.components(separatedBy: "\n## Options\n").dropFirst().first)
            .components(separatedBy: "\n## ")[0]
        let names = section.split(separator: "\n").filter { $0.hasPrefix("| `") }
            .map { $0.dropFirst(3).prefix { $0 != "`" } }.map(String.init)
        #expect(names == PathOption.names)
    }
}
