import Foundation
import Testing

/// The layout rules the README's Layout section states, checked on the sources themselves so
/// that the house cannot drift back: files of one type or facet stay small, DataPaths holds
/// only data-path code in one folder per component, fuzz code lives in Sources/Fuzzing, and
/// each layer imports only layers below it.
@Suite struct HouseTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let sources = root.appendingPathComponent("Sources")

    /// Every source file below `folder` (relative to Sources), with its path relative to Sources.
    static func files(under folder: String = "", extensions: Set<String> = ["swift", "c", "h"]) -> [(String, String)] {
        let base = sources.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { return [] }
        var out: [(String, String)] = []
        for case let url as URL in walker where extensions.contains(url.pathExtension) {
            let relative = String(url.path.dropFirst(sources.path.count + 1))
            out.append((relative, (try? String(contentsOf: url, encoding: .utf8)) ?? ""))
        }
        return out.sorted { $0.0 < $1.0 }
    }

    @Test func noSourceFileIsLongerThan350Lines() {
        // The one generated file (the guest program's bytes) is exempt.
        let long = Self.files().filter { $0.0 != "VMM/GuestDriverImage.swift" }
            .map { ($0.0, $0.1.split(separator: "\n", omittingEmptySubsequences: false).count - 1) }
            .filter { $0.1 > 350 }
        #expect(long.isEmpty, "files over 350 lines: \(long)")
    }

    @Test func dataPathsHoldsOneFolderPerComponentAndNoFuzzCode() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.sources.appendingPathComponent("DataPaths").path).sorted()
        #expect(folders == ["AccessPoint", "App", "Assembly", "Config", "Device", "DeviceModel", "Guest", "HostDriver",
                            "Hypervisor", "KVMGuest", "Pipeline", "Results"])
        let fuzz = Self.files(under: "DataPaths").filter { $0.0.contains("Fuzz") || $0.1.contains("libFuzzer") }
        #expect(fuzz.isEmpty, "fuzz code outside Sources/Fuzzing: \(fuzz.map(\.0))")
    }

    /// Comments say why, never which issue asked for it (issue numbers mean nothing to a reader).
    @Test func commentsCiteNoIssueNumbers() {
        let citing = Self.files().filter { _, text in
            text.split(separator: "\n").contains { $0.contains("//") && ($0.contains("issue #") || $0.contains("(issue ")) }
        }.map(\.0)
        #expect(citing.isEmpty, "comments citing issue numbers: \(citing)")
    }

    /// Lower layers never import higher ones.
    @Test func layersImportOnlyLayersBelowThem() {
        let order = ["CVWiFiShim", "CPfm", "CNuma", "CReference", "Measurement", "Platform", "VMM", "SystemProbe",
                     "DataPaths", "Suites", "Bench", "vwifi-bench", "Fuzzing", "vwifi-fuzz"]
        func rank(_ module: String) -> Int? {
            if module == "CReference" { return order.firstIndex(of: "Measurement") }
            return order.firstIndex(of: module)
        }
        var violations: [String] = []
        for (path, text) in Self.files(extensions: ["swift"]) {
            let module = String(path.split(separator: "/").first ?? "")
            guard let mine = rank(module) else { continue }
            for line in text.split(separator: "\n") where line.contains("import ") {
                let words = line.split(separator: " ").map(String.init)
                guard let i = words.firstIndex(of: "import"), i + 1 < words.count else { continue }
                var imported = words[i + 1]
                if ["enum", "struct", "class", "protocol", "func"].contains(imported), i + 2 < words.count {
                    imported = String(words[i + 2].split(separator: ".").first ?? "")
                }
                if let theirs = rank(imported), theirs > mine, module != "vwifi-bench" || imported != "Fuzzing" {
                    violations.append("\(path) imports \(imported)")
                }
            }
        }
        #expect(violations.isEmpty, "\(violations)")
    }

    /// Files whose unsafe code is not yet annotated (other engineers are editing them) and the
    /// generated guest image. Remove a file from this list once it carries its `// SAFETY:` lines.
    /// The one file whose unsafe code is generated (the guest program's bytes).
    static let safetyExempt: Set<String> = ["VMM/GuestDriverImage.swift"]

    /// The Swift sources the SAFETY rules apply to, as (path relative to Sources, lines).
    static func safetySources() -> [(String, [Substring])] {
        files(extensions: ["swift"]).filter { !safetyExempt.contains($0.0) }
            .map { ($0.0, $0.1.split(separator: "\n", omittingEmptySubsequences: false)) }
    }

    /// A line's code, without its trailing `//` comment; empty for a comment line.
    static func code(of line: Substring) -> Substring {
        if line.drop(while: { $0 == " " }).hasPrefix("//") { return "" }
        return line.range(of: "//").map { line[..<$0.lowerBound] } ?? line
    }

    /// Soundness is argued in one spelling, `// SAFETY:`, not the older `// Sound:` or `// @unchecked:`.
    @Test func unsafeCodeIsJustifiedInOneSpelling() {
        var old: [String] = []
        for (path, lines) in Self.safetySources() {
            for (i, line) in lines.enumerated() where line.contains("// Sound:") || line.contains("// @unchecked:") {
                old.append("\(path):\(i + 1)")
            }
        }
        #expect(old.isEmpty, "write `// SAFETY:`, not `// Sound:` or `// @unchecked:`, at:\n\(old.joined(separator: "\n"))")
    }

    /// Every unsafe operation has a `// SAFETY:` line within the 6 lines above it (or on its own
    /// line) saying why it is sound; every `@unchecked Sendable` type and `nonisolated(unsafe)`
    /// variable has one within 4 lines above or 3 below its declaration, saying which thread
    /// touches what.
    @Test func everyUnsafeOperationSaysWhyItIsSound() throws {
        let operation = try Regex(#"Pointer(<[^>]*>)?\(bitPattern:|assumingMemoryBound\(to:|bindMemory\(to:"#
            + #"|\.load\((as|fromByteOffset):|\.loadUnaligned\(|\.storeBytes\(|copyMemory\(|initializeMemory\("#
            + #"|\.pointee\b|Unmanaged[<.]|takeRetainedValue|takeUnretainedValue"#
            + #"|\.allocate\((capacity|byteCount):|\.deallocate\(\)"#)
        var missing: [String] = []
        for (path, lines) in Self.safetySources() {
            func justified(_ from: Int, _ to: Int) -> Bool {
                (max(0, from)...min(lines.count - 1, to)).contains { lines[$0].contains("// SAFETY:") }
            }
            for (i, line) in lines.enumerated() {
                let code = Self.code(of: line)
                let isClaim = code.contains("@unchecked Sendable") || code.contains("nonisolated(unsafe)")
                let isOperation = !isClaim && code.firstMatch(of: operation) != nil
                if isClaim && !justified(i - 4, i + 3) || isOperation && !justified(i - 6, i) {
                    missing.append("\(path):\(i + 1): \(code.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        #expect(missing.isEmpty, "unsafe code without a `// SAFETY:` reason:\n\(missing.joined(separator: "\n"))")
    }
}
