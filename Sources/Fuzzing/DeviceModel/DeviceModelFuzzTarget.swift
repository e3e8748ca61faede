// Fuzz target for the device model's guest-facing interface: runs one
// `DeviceModelFuzzProgram` against a real DeviceModel over real guest memory, rings and a real
// socket to the host driver's side, without threads (the harness plays the guest, the exit
// handler and the model thread's wake-ups), then checks what crossed to the host side:
//   - every command the host driver receives lies inside the VM's memory (software
//     translation: a host address over exactly the bytes the guest named, within one memslot;
//     IOMMU: a tag of exactly the GPA the guest named), carries the VM-ID the model assigned,
//     has a length of 1...4096, and is one message of one descriptor;
//   - every RX frame the model copies lands inside guest memory, byte for byte;
//   - the model's counters agree with what the guest did (commands, undefined register
//     accesses), and the run fails only for the one reason a guest may cause: overflowing its
//     own completion ring.
// Each input builds its own model (a 128 KiB VM, 8-slot rings), so inputs are independent.
import DataPaths
import CVWiFiShim
import Measurement
import Platform

public enum DeviceModelFuzzTarget {
    public static let vmID: UInt8 = 5
    static let memoryBytes = 128 << 10
    static let slotBytes = 64 << 10
    static let ringSize = 8
    static let rxBufferCount = 4
    /// The largest frame the host driver can hand over (the model's message buffer less a descriptor).
    static let maxFrame = 8192 - MemoryLayout<Descriptor>.size

    /// Runs `input` and returns the invariant violations found (empty: the model held).
    public static func check(_ input: UnsafeRawBufferPointer) -> [String] { report(input).violations }

    public static func check(_ input: [UInt8]) -> [String] { input.withUnsafeBytes { check($0) } }

    /// Runs `input` and says what the model did with it (tests use this to show a seed does
    /// what its name says).
    public static func report(_ input: UnsafeRawBufferPointer) -> DeviceModelFuzzReport {
        var reader = FuzzByteReader(input)
        let setup = DeviceModelFuzzProgram.Setup(rawValue: reader.u8())
        let session: DeviceModelFuzzSession
        do { session = try DeviceModelFuzzSession(setup: setup) } catch {
            return DeviceModelFuzzReport(violations: ["set-up failed (not an input problem): \(error)"])
        }
        while !reader.isAtEnd && session.violations.isEmpty { session.step(&reader) }
        session.finish()
        var report = DeviceModelFuzzReport(violations: session.violations)
        report.commands = session.commandsReceived
        report.rxFramesCopied = session.rxFramesCopied
        report.ringIndicesOutOfRange = session.model.ringIndicesOutOfRange
        report.undefinedRegisterAccesses = session.undefinedWrites + session.undefinedReads
        report.runFailure = session.control.failureMessage
        report.completionRingFullDeferrals = session.model.completionRingFullDeferrals
        report.guestWreckedItsRings = session.ringsTampered
        for reason in DropReason.allCases where session.model.rejections[Int(reason.rawValue)] > 0 {
            report.rejections[reason.name] = session.model.rejections[Int(reason.rawValue)]
        }
        return report
    }

    public static func report(_ input: [UInt8]) -> DeviceModelFuzzReport { input.withUnsafeBytes { report($0) } }
}
