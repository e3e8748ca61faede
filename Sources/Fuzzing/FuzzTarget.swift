// The fuzz targets by name, shared by `vwifi-fuzz` (libFuzzer or corpus replay) and the
// FuzzingTests that replay the corpus in the ordinary test run.
import DataPaths

public struct FuzzTarget: Sendable {
    /// Command-line name; also the corpus directory's name under Tests/FuzzCorpus.
    public let name: String
    public let summary: String
    /// Runs one input; returns the invariant violations (empty when the code under test held).
    public let check: @Sendable (UnsafeRawBufferPointer) -> [String]

    public static let all: [FuzzTarget] = [
        FuzzTarget(name: "device-model",
                   summary: "guest register accesses, descriptors, doorbells and RX buffers against the vwifi device model",
                   check: { DeviceModelFuzzTarget.check($0) }),
        FuzzTarget(name: "guest-outbox",
                   summary: "a KVM guest's outbox words and slots (a real program's received packets) against the host's reader",
                   check: { GuestOutboxFuzzTarget.check($0) }),
        FuzzTarget(name: "suite-parser",
                   summary: "arbitrary text as a suite file",
                   check: { SuiteParserFuzzTarget.check($0) }),
    ]

    public static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }

    public func check(_ bytes: [UInt8]) -> [String] { bytes.withUnsafeBytes { check($0) } }

    /// libFuzzer's view: a violation is a crash, reported with what broke.
    public func run(_ input: UnsafeRawBufferPointer) {
        let problems = check(input)
        guard problems.isEmpty else {
            // fatalError, not preconditionFailure: an optimized build drops a precondition's message.
            fatalError("fuzz target \(name): " + problems.joined(separator: "; "))
        }
    }

    /// Seed inputs this target generates itself (written by `vwifi-fuzz seed`); nil when its
    /// corpus is hand-written text.
    public var generatedSeeds: [(name: String, bytes: [UInt8])]? {
        switch name {
        case "device-model": DeviceModelFuzzProgram.seeds
        case "guest-outbox": GuestOutboxFuzzProgram.seeds
        default: nil
        }
    }
}
