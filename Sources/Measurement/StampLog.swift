// A preallocated, single-writer log of time stamps: the hot-path recorder.
import CVWiFiShim

public final class StampLog: @unchecked Sendable {
    // SAFETY: exactly one thread writes (`record`, `reset`) and readers look only after that writer
    // has been joined (or otherwise synchronized with): the join is the happens-before edge that makes
    // the plain stores visible. No locks or atomics on the hot path.
    public let capacity: Int
    /// Who writes this log (thread or stage name), for reports.
    public let owner: String
    // Raw storage, fixed at init. The cursor (count, overflowed) lives in raw memory too: a
    // stored `var` of a class would pay a dynamic exclusivity check on every record.
    @usableFromInline let storage: UnsafeMutablePointer<Stamp>
    @usableFromInline let cursor: UnsafeMutablePointer<Int>

    public init(capacity: Int, owner: String) {
        self.capacity = max(0, capacity)
        self.owner = owner
        // SAFETY: storage and cursor are owned by this log and freed once in deinit; `record` keeps every
        // index < capacity, and the cursor is indexed only by 0 and 1.
        storage = UnsafeMutablePointer<Stamp>.allocate(capacity: max(1, capacity))
        // Touch every slot now so that recording never takes a page fault on fresh memory.
        storage.initialize(repeating: Stamp(tsc: 0, seq: 0, stage: 0), count: max(1, capacity))
        cursor = UnsafeMutablePointer<Int>.allocate(capacity: 2)
        cursor.initialize(repeating: 0, count: 2)
    }

    deinit {
        // SAFETY: deinitializes and frees the blocks from init, once; no writer outlives the log.
        storage.deinitialize(count: max(1, capacity))
        storage.deallocate()
        cursor.deallocate()
    }

    /// Stamps recorded.
    public var count: Int { cursor[0] }
    /// Records refused because the log was full.
    public var overflowed: Int { cursor[1] }

    /// One TSC read and one store. No allocation, lock or atomic read-modify-write.
    @inlinable @inline(__always)
    public func record(stage: UInt8, seq: UInt32) {
        record(stage: stage, seq: seq, tsc: vw_rdtsc())
    }

    /// Records a stamp taken elsewhere (e.g. a fenced read, or a stamp carried by an item).
    @inlinable @inline(__always)
    public func record(stage: UInt8, seq: UInt32, tsc: UInt64) {
        let index = cursor[0]
        if index < capacity {
            // SAFETY: 0 <= index < capacity and every slot was initialized in init.
            storage[index] = Stamp(tsc: tsc, seq: seq, stage: stage)
            cursor[0] = index + 1
        } else {
            cursor[1] &+= 1
        }
    }

    public subscript(i: Int) -> Stamp {
        precondition(i >= 0 && i < count, "StampLog index \(i) outside 0..<\(count)")
        return storage[i]
    }

    /// Forgets all stamps (the writer, or anyone after the writer stopped).
    public func reset() {
        cursor[0] = 0
        cursor[1] = 0
    }

    /// The recorded stamps. Read only after the writer stopped; valid while the log lives.
    public var stamps: UnsafeBufferPointer<Stamp> {
        // SAFETY: bounds: count <= capacity slots, all initialized; valid only while the log is alive.
        UnsafeBufferPointer(start: storage, count: count)
    }

    /// Address of the storage, to show that recording never reallocates.
    public var storageAddress: UnsafeRawPointer { UnsafeRawPointer(storage) }
}
