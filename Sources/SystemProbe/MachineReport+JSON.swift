import Foundation

extension MachineReport {
    /// Pretty JSON with sorted keys (stable for diffs). Top-level keys: cpu, kernel, tsc,
    /// counters, permissions, numa, kvm, network, tools.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(self)
        return String(decoding: data, as: UTF8.self)
    }
}
