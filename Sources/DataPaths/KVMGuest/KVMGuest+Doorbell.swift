// The doorbell exit: the run loop dispatches the guest's MMIO store here, on the vCPU thread,
// during the exit (the KVM guest is the bus device in front of the device model). It stamps
// and charges the exit's way out and back, then hands the store to the model.
import CVWiFiShim
import Measurement
import Platform
import VMM

extension KVMGuest {
    func read(offset: UInt64, data: UnsafeMutableRawBufferPointer) { model?.read(offset: offset, data: data) }

    func write(offset: UInt64, data: UnsafeRawBufferPointer) {
        let decoded = TSC.now()
        let exited = runner.lastExitTSC
        // Only a 32-bit store to the doorbell is a doorbell; the model counts anything else.
        guard offset == DeviceModel.txDoorbellOffset, data.count == 4 else {
            model?.write(offset: offset, data: data)
            return
        }
        // SAFETY: bounds: data.count == 4 (checked above).
        let value = UInt64(data.loadUnaligned(as: UInt32.self))
        // The doorbell carries the ring's new producer index: this exit is packet value - 1's.
        let seq = Int(truncatingIfNeeded: value &- 1) & 0xFFFF_FFFF
        let seq32 = seqBase &+ UInt32(truncatingIfNeeded: seq)   // the frame's seq (this VM's seq space)
        hypervisor.stamp(.trapExit, seq32, tsc: exited)
        hypervisor.stamp(.decode, seq32, tsc: decoded)
        // The way out: the guest's store, the exit into KVM, KVM_RUN returning to user space.
        let stored = stamps.stamp(seq: seq, .doorbell)
        if stored != 0 && stored < exited { hypervisor.add(.ioExitHandlingAndForwarding, cycles: exited &- stored) }
        hypervisor.add(.decoding, cycles: decoded &- exited)
        model?.write(offset: offset, data: data)
        let handled = hypervisor.charge(.ioExitHandlingAndForwarding, since: decoded)
        finishLastDoorbell()
        lastDoorbellSeq = seq
        lastDoorbellHandled = handled
        if seq + 1 == warmup { beginMeasuredRegion() }
    }

    /// The previous doorbell's way back (run loop, KVM_RUN, guest resumes) is known once the
    /// guest stamped it, i.e. by its next exit: charge it and record the round trip.
    func finishLastDoorbell() {
        guard lastDoorbellSeq >= 0 else { return }
        let seq = lastDoorbellSeq
        lastDoorbellSeq = -1
        let resumed = stamps.stamp(seq: seq, .resumed)
        let stored = stamps.stamp(seq: seq, .doorbell)
        guard resumed > lastDoorbellHandled, stored != 0, resumed > stored else { return }
        hypervisor.add(.ioExitHandlingAndForwarding, cycles: resumed &- lastDoorbellHandled)
        if seq >= warmup { doorbellRoundTrips.record(resumed &- stored) }
    }
}
