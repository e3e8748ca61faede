// Reading YAML nodes as the shapes a suite allows (mapping, scalar, bounded integer, choice),
// each failing with the field path and what to write instead.
import Foundation
import Yams

extension SuiteParser {
    static func mapping(_ node: Node, _ path: String, _ fail: Fail) throws(SuiteError) -> [(Node, Node)] {
        guard case .mapping(let m) = node else {
            throw fail(path.isEmpty ? "(top level)" : path, "must be a mapping of `key: value` lines",
                       "indent its fields under `\(path.isEmpty ? "the file" : path):`")
        }
        return m.map { ($0.key, $0.value) }
    }

    static func checkKeys(_ m: [(Node, Node)], allowed: [String], path: String, _ fail: Fail) throws(SuiteError) {
        var seen: Set<String> = []
        for (k, _) in m {
            let key = k.string ?? ""
            let field = path.isEmpty ? key : "\(path).\(key)"
            guard allowed.contains(key) else {
                throw fail(field, "unknown field", "use one of: \(allowed.joined(separator: ", "))")
            }
            guard seen.insert(key).inserted else { throw fail(field, "appears twice", "keep one") }
        }
    }

    static func scalar(_ node: Node, _ path: String, _ fail: Fail) throws(SuiteError) -> String {
        guard case .scalar(let s) = node else {
            throw fail(path, "must be a single value", "write `\(path.split(separator: ".").last ?? ""): value`")
        }
        return s.string
    }

    static func integer(_ node: Node, _ path: String, _ range: ClosedRange<Int>, _ fail: Fail) throws(SuiteError) -> Int {
        let s = try scalar(node, path, fail)
        guard let n = Int(s), range.contains(n) else {
            throw fail(path, "'\(s)' is not a whole number from \(range.lowerBound) to \(range.upperBound)",
                       "give a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }

    static func choice<T: RawRepresentable & CaseIterable>(_ node: Node, _ path: String, _ fail: Fail) throws(SuiteError) -> T
    where T.RawValue == String {
        let s = try scalar(node, path, fail)
        if let v = T(rawValue: s) { return v }
        throw fail(path, "'\(s)' is not allowed", "use one of: \(T.allCases.map(\.rawValue).joined(separator: ", "))")
    }

    static func oneLine(_ error: any Error) -> String {
        String(describing: error).split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
    }
}

extension [(Node, Node)] {
    subscript(key: String) -> Node? { first { $0.0.string == key }?.1 }
}
