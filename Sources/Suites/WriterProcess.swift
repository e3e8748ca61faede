// Which process is writing a results directory, recorded in metadata.json so a later `report`
// or `run --resume` can tell a run still going from one whose process is gone (killed, or the
// machine rebooted): a pid alone is reused, so the boot and the process's start time go with it.
import Foundation
import Measurement

public struct WriterProcess: Sendable, Equatable {
    public var pid: Int32
    /// /proc/sys/kernel/random/boot_id: a new one after every boot.
    public var bootID: String
    /// Field 22 of /proc/<pid>/stat: clock ticks after boot at which the process started.
    public var startTicks: UInt64

    public static func current() -> WriterProcess? { of(pid: getpid()) }

    static func of(pid: Int32) -> WriterProcess? {
        // Field 22 of proc(5), starttime: index 21 of ProcTaskStat's 0-based fields.
        guard let boot = TextFile.firstLine("/proc/sys/kernel/random/boot_id"),
              let fields = ProcTaskStat.fields(process: pid), fields.count > 21, let start = UInt64(fields[21]) else { return nil }
        return WriterProcess(pid: pid, bootID: boot, startTicks: start)
    }

    /// True while this very process (same boot, same pid, same start) still exists.
    public var isAlive: Bool { Self.of(pid: pid) == self }

    var json: JSONValue {
        .object(["pid": .number(Double(pid)), "boot_id": .string(bootID), "start_ticks": .number(Double(startTicks))])
    }

    init(pid: Int32, bootID: String, startTicks: UInt64) { self.pid = pid; self.bootID = bootID; self.startTicks = startTicks }

    init?(json: JSONValue?) {
        guard case .number(let p)? = json?["pid"], case .string(let b)? = json?["boot_id"],
              case .number(let s)? = json?["start_ticks"] else { return nil }
        self.init(pid: Int32(p), bootID: b, startTicks: UInt64(s))
    }
}
