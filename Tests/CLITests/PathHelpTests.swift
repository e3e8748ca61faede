// `vwifi-bench path --help` is written from the option table at run time (ArgumentParser cannot
// declare those flags): it must still list every flag the README lists, each with its help,
// and a numeric option with its range.
import Foundation
import Testing

@Suite struct PathHelpTests {
    /// Every `--flag` of the README's "Flags:" paragraph under "Run one data path".
    static func readmeFlags() throws -> Set<String> {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let after = try #require(readme.range(of: "## Run one data path")).upperBound
        let from = try #require(readme.range(of: "\nFlags: ", range: after..<readme.endIndex)).upperBound
        let paragraph = readme[from...].components(separatedBy: "\n\n")[0]
        let regex = try NSRegularExpression(pattern: "--[a-z][a-z0-9-]*")
        let ns = paragraph as NSString
        return Set(regex.matches(in: paragraph, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range) })
    }

    @Test func helpListsEveryReadmeFlagWithHelpAndRange() throws {
        let logs = try TemporaryDirectory("help")
        defer { logs.remove() }
        let run = try CLIProcess.run(["path", "--help"], logDirectory: logs.path)
        #expect(run.termination == .exited(0))
        let lines = run.stdout.split(separator: "\n").map(String.init)
        let flags = try Self.readmeFlags()
        #expect(flags.count > 25)
        for flag in flags {
            guard let i = lines.firstIndex(where: { $0.hasPrefix("  \(flag) ") || $0 == "  \(flag)" }) else {
                Issue.record("path --help does not list \(flag)")
                continue
            }
            // The entry: its label line and the help lines indented under it.
            let entry = ([lines[i]] + lines[(i + 1)...].prefix { $0.hasPrefix(String(repeating: " ", count: 26)) })
                .joined(separator: " ")
            let help = entry.dropFirst(2 + flag.count).trimmingCharacters(in: .whitespaces)
            #expect(help.count > 10, "\(flag) has no help: \(entry)")
            // A number's placeholder is a unit in capitals (N, S, BYTES, PPS, ...); a choice's lists its values.
            let placeholder = lines[i].split(separator: " ").dropFirst().first.map { $0.dropFirst().dropLast() } ?? ""
            if !placeholder.isEmpty && placeholder == placeholder.uppercased() && !["LIST", "PATH", "ARGS"].contains(placeholder) {
                #expect(entry.contains("(range: "), "\(flag) shows no range: \(entry)")
            }
        }
    }
}
