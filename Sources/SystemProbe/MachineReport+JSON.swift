import Foundation

extension MachineReport {
    /// Pretty JSON with sorted snake_case keys (stable for diffs). Top-level keys: cpu, kernel,
    /// tsc, counters, permissions, numa, kvm, network, tools.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // One spelling for every key (read_cost_cycles, perf_event_paranoid, api_version).
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data = try encoder.encode(self)
        return String(decoding: data, as: UTF8.self)
    }
}
