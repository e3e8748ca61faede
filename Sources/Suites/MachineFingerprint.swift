// What a run's numbers depend on besides the code: the machine it ran on, read back from a
// results directory's metadata.json. `compare` prints the differences before any metric (and
// converts cycles to time when the TSC rates differ); `merge` refuses shards whose machines differ.
import Foundation
import Measurement

public struct MachineFingerprint: Sendable, Equatable {
    public var cpuModel: String?
    public var tscHz: Double?
    public var kernel: String?
    public var kvmModule: String?
    /// Names of the counters the machine could open, sorted.
    public var countersAvailable: [String]
    /// Trap backend per data-path configuration (e.g. `vwifi: kvm`).
    public var trapBackends: [String: String]
    /// The harness's git commit (with "+dirty" when the tree had changes). Not a machine property:
    /// `differences` ignores it; `commitDifference` reports it.
    public var commit: String?

    /// TSC rates further apart than this make cycle counts incomparable as cycles.
    public static let tscTolerance = 0.01

    public init(metadata: JSONValue) {
        // A run's metadata.json carries the machine report's sections at the top level and again
        // under `machine`; older ones may have only one of the two.
        func section(_ k: String) -> JSONValue? { metadata[k] ?? metadata["machine"]?[k] }
        cpuModel = section("cpu")?["model"]?.stringValue
        tscHz = section("tsc")?["hz"]?.numberValue
        kernel = section("kernel")?["release"]?.stringValue
        kvmModule = section("kvm")?["module"]?.stringValue
        if case .array(let counters)? = section("counters") {
            countersAvailable = counters.compactMap { c in c["available"] == .bool(true) ? c["name"]?.stringValue : nil }.sorted()
        } else { countersAvailable = [] }
        var backends: [String: String] = [:]
        if case .object(let paths)? = metadata["data_paths"] {
            for (name, p) in paths { if let b = p["trap_backend"]?.stringValue { backends[name] = b } }
        }
        trapBackends = backends
        if let c = metadata["git"]?["commit"]?.stringValue {
            commit = c + (metadata["git"]?["dirty"] == .bool(true) ? "+dirty" : "")
        }
    }

    /// The fingerprint of a results directory; nil when it has no readable metadata.json.
    public static func load(directory: String) -> MachineFingerprint? {
        let path = (directory as NSString).appendingPathComponent(ResultLayout.metadata)
        guard let data = FileManager.default.contents(atPath: path), let json = JSONValue.parse(data) else { return nil }
        return MachineFingerprint(metadata: json)
    }

    static func gigahertz(_ hz: Double?) -> String { hz.map { NumberFormat.trimmed($0 / 1e9, decimals: 3) + " GHz" } ?? "unknown" }

    /// True when both TSC rates are known and differ by more than `tscTolerance`.
    public func tscDiffers(from other: MachineFingerprint) -> Bool {
        guard let a = tscHz, let b = other.tscHz, a > 0, b > 0 else { return false }
        return abs(a / b - 1) > Self.tscTolerance
    }

    /// One line per machine property that differs, `field: mine vs other's`. The commit is not
    /// among them (see `commitDifference`).
    public func differences(from other: MachineFingerprint) -> [String] {
        var out: [String] = []
        func text(_ s: String?) -> String { s ?? "unknown" }
        if cpuModel != other.cpuModel { out.append("cpu: \(text(cpuModel)) vs \(text(other.cpuModel))") }
        if tscDiffers(from: other) || (tscHz == nil) != (other.tscHz == nil) {
            out.append("tsc_hz: \(Self.gigahertz(tscHz)) vs \(Self.gigahertz(other.tscHz))")
        }
        if kernel != other.kernel { out.append("kernel: \(text(kernel)) vs \(text(other.kernel))") }
        if kvmModule != other.kvmModule { out.append("kvm: \(text(kvmModule)) vs \(text(other.kvmModule))") }
        if countersAvailable != other.countersAvailable {
            let list = { (c: [String]) in c.isEmpty ? "none" : c.joined(separator: " ") }
            out.append("counters: \(list(countersAvailable)) vs \(list(other.countersAvailable))")
        }
        // Only configurations both ran: a run with `--only` lists fewer, which is no machine difference.
        for name in Set(trapBackends.keys).intersection(other.trapBackends.keys).sorted()
        where trapBackends[name] != other.trapBackends[name] {
            out.append("trap_backend \(name): \(text(trapBackends[name])) vs \(text(other.trapBackends[name]))")
        }
        return out
    }

    /// `commit: A vs B` when the harness commits differ (or one is unknown); nil when equal.
    public func commitDifference(from other: MachineFingerprint) -> String? {
        commit == other.commit ? nil : "commit: \(commit ?? "unknown") vs \(other.commit ?? "unknown")"
    }

    /// Short, for a `machine` column: CPU model, TSC rate, kernel, KVM module.
    public var label: String {
        [cpuModel ?? "unknown cpu", Self.gigahertz(tscHz), kernel ?? "unknown kernel", kvmModule ?? "no kvm"]
            .joined(separator: ", ")
    }
}

extension JSONValue {
    var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    var numberValue: Double? { if case .number(let n) = self { return n }; return nil }
}
