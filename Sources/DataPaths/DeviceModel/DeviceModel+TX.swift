// The TX half of the device model: the guest's TX ring to the augmented host driver, one system
// call per command (the driver's handling runs in it, on this thread).
import CVWiFiShim
import Measurement
import Platform

extension DeviceModel {
    // MARK: TX: guest ring -> host driver

    package func drainGuestTX() {
        // A command the VM's full device queue could not take goes first (it holds the ring's order).
        let retrying = holding
        if holding && !handOver(heldGuest, heldCommand) { return }
        var d = Descriptor()
        let tail = doorbellTail.load(ordering: .acquiring)
        if doorbellCarriesTail && tail &- consumed > UInt32(rings.tx.capacity) {
            // The guest announced a tail more than a ring away: refuse the value, take nothing
            // on its word (a later valid doorbell picks up whatever was really published).
            doorbellTailsRefused.add(1, ordering: .relaxed)
            return
        }
        let before = consumed
        var deferred = false
        defer { if consumed == before && !deferred && !retrying { spuriousDoorbells += 1 } }
        while !doorbellCarriesTail || consumed != tail {
            // Room for this descriptor's completion beyond the slots reserved for commands in flight.
            guard hasCompletionRoom() else {
                deferred = !rings.tx.isEmpty
                if deferred { completionRingFullDeferrals += 1 }
                return
            }
            guard rings.tx.tryPop(into: &d) else { return }
            consumed &+= 1
            account.advance()
            let start = TSC.now()
            if stampsGuestPublication && d.aux != 0 && d.aux <= start { account.stamp(.doorbell, d.seq, tsc: d.aux) }
            account.stamp(.deviceModelReceipt, d.seq, tsc: start)
            var command = d
            command.vmID = vmID  // the guest never chooses its VM-ID
            guard d.length > 0, Int(d.length) <= GuestRings.bufferBytes else {
                reject(d, .descriptorBadLength)
                continue
            }
            let decoded = account.charge(.decoding, since: start)
            if let translator {
                guard let t = translator.translate(gpa: d.addr, length: Int(d.length)) else {
                    reject(d, .descriptorOutsideGuestMemory)
                    continue
                }
                command.addr = UInt64(UInt(bitPattern: t.host))
                command.aux = t.hostPhysical
                command.flags = DescriptorFlag.hostAddress
            } else {
                // The tag keeps only a GPA's low 35 bits: an address at or past the VM's 32 GiB
                // window would alias into the VM's own RAM instead of faulting (a fuzz-target invariant).
                guard d.addr < IOMMU.windowBytes, IOMMU.windowBytes - d.addr >= UInt64(d.length) else {
                    reject(d, .descriptorOutsideGuestMemory)
                    continue
                }
                command.addr = IOMMU.tag(gpa: d.addr, vmID: vmID)
                command.flags = DescriptorFlag.tagged
            }
            let translated = account.charge(.addressTranslation, since: decoded)
            account.stamp(.translation, d.seq, tsc: translated)
            guard handOver(d, command) else { return }
        }
    }

    /// Hands one command to the host driver: the system call, and the driver's handling in it.
    /// False when the VM's device queue is full (the command is held for the next completion)
    /// or the call failed (the run fails).
    func handOver(_ d: Descriptor, _ command: Descriptor) -> Bool {
        // Stamped as the system call starts.
        account.stamp(.handoffToHostDriver, d.seq)
        let outcome = hostDriver.submit(command)
        // A held command kept its completion slot reserved while it waited.
        if holding {
            holding = false
            inFlight -= 1
        }
        switch outcome {
        case .queued:
            commands += 1
            inFlight += 1
            return true
        case .refused(let reason):
            // The driver's answer is the call's result: the guest gets the drop at once.
            commands += 1
            complete(d.txStatus(reason))
            return true
        case .deviceQueueFull:
            holding = true
            inFlight += 1
            heldGuest = d
            heldCommand = command
            return false
        case .failed(let n):
            if !control.isStopping { control.fail("device model could not hand a command to the host driver (\(n))") }
            return false
        }
    }

    /// A descriptor the device model refuses: completed at once as dropped.
    func reject(_ d: Descriptor, _ reason: DropReason) {
        rejected += 1
        rejections[Int(reason.rawValue)] += 1
        complete(d.txStatus(reason))
    }
}
