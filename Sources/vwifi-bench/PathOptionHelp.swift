// The data-path options in `vwifi-bench path --help`, written from the option table in the
// layout of ArgumentParser's own OPTIONS section, since it cannot list flags it did not declare.
import DataPaths

enum PathOptionHelp {
    static let width = 79
    static let helpColumn = 26

    static var text: String {
        (["Data-path options (the same names are suite fields, see Workloads/README.md):"]
            + PathOption.all.flatMap(lines)).joined(separator: "\n")
    }

    static func lines(_ option: PathOption) -> [String] {
        let label = "  " + option.flag + (option.isFlag ? "" : " <\(option.placeholder)>")
        var help = option.help
        if let range = option.range, !Self.isChoice(option) { help += " (range: \(range))" }
        let wrapped = wrap(help, to: width - helpColumn)
        let pad = String(repeating: " ", count: helpColumn)
        if label.count + 1 <= helpColumn {
            return [label + String(repeating: " ", count: helpColumn - label.count) + wrapped[0]]
                + wrapped.dropFirst().map { pad + $0 }
        }
        return [label] + wrapped.map { pad + $0 }
    }

    /// A choice's placeholder already lists its values.
    static func isChoice(_ option: PathOption) -> Bool {
        if case .choice = option.values { return true }
        return false
    }

    static func wrap(_ text: String, to width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        return lines + [line]
    }
}
