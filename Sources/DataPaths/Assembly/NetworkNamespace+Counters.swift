// An interface's kernel counters inside a run's namespace (`/proc/net/dev` as a thread that
// entered the namespace sees it).
import Measurement

extension NetworkNamespace {
    /// Packets the kernel dropped on `interface`'s transmit side (its queue was full), or nil when
    /// the table has no such interface.
    public func transmitDrops(of interface: String) -> Int? {
        let table = try? run { TextFile.read("/proc/thread-self/net/dev") }
        return table.flatMap { $0 }.flatMap { Self.transmitDrops(of: interface, inTable: $0) }
    }

    /// The `tx drop` column of `interface`'s row of a /proc/net/dev table.
    static func transmitDrops(of interface: String, inTable table: String) -> Int? {
        for line in table.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == interface else { continue }
            let fields = parts[1].split(separator: " ")
            // rx: bytes packets errs drop fifo frame compressed multicast; tx: bytes packets errs drop ...
            return fields.count > 11 ? Int(fields[11]) : nil
        }
        return nil
    }
}
