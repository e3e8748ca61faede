// A preallocated, single-writer log of time stamps: the hot-path recorder.
import CVWiFiShim

/// `@unchecked Sendable` because exactly one thread writes (`record`, `reset`) and readers look
/// only after that writer has been joined (or otherwise synchronized with): the thread join is
/// the happens-before edge that makes the plain stores visible. No locks or atomics on the hot path.
public final class StampLog: @unchecked Sendable {
    public let capacity: Int
    /// Who writes this log (thread or stage name), for reports.
    public let owner: String
    private let storage: UnsafeMutablePointer<Stamp>
    public private(set) var count: Int = 0
    /// Records refused because the log was full.
    public private(set) var overflowed: Int = 0

    public init(capacity: Int, owner: String) {
        self.capacity = max(0, capacity)
        self.owner = owner
        storage = UnsafeMutablePointer<Stamp>.allocate(capacity: max(1, capacity))
        // Touch every slot now so that recording never takes a page fault on fresh memory.
        storage.initialize(repeating: Stamp(tsc: 0, seq: 0, stage: 0), count: max(1, capacity))
    }

    deinit {
        storage.deinitialize(count: max(1, capacity))
        storage.deallocate()
    }

    /// One TSC read and one store. No allocation, lock or atomic read-modify-write.
    @inline(__always)
    public func record(stage: UInt8, seq: UInt32) {
        record(stage: stage, seq: seq, tsc: vw_rdtsc())
    }

    /// Records a stamp taken elsewhere (e.g. a fenced read, or a stamp carried by an item).
    @inline(__always)
    public func record(stage: UInt8, seq: UInt32, tsc: UInt64) {
        let index = count
        if index < capacity {
            // Sound: index < capacity, and the slots were initialized in init.
            storage[index] = Stamp(tsc: tsc, seq: seq, stage: stage)
            count = index + 1
        } else {
            overflowed &+= 1
        }
    }

    public subscript(i: Int) -> Stamp {
        precondition(i >= 0 && i < count, "StampLog index \(i) outside 0..<\(count)")
        return storage[i]
    }

    /// Forgets all stamps (the writer, or anyone after the writer stopped).
    public func reset() {
        count = 0
        overflowed = 0
    }

    /// The recorded stamps. Read only after the writer stopped; valid while the log lives.
    public var stamps: UnsafeBufferPointer<Stamp> {
        UnsafeBufferPointer(start: storage, count: count)
    }

    /// Address of the storage, to show that recording never reallocates.
    public var storageAddress: UnsafeRawPointer { UnsafeRawPointer(storage) }
}
