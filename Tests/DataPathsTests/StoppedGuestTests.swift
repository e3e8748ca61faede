import CVWiFiShim
import Foundation
import Testing
@testable import DataPaths
import Platform

/// A guest that stops consuming completions. An honest guest owns fewer buffers than
/// its completion ring has slots, so its ring never fills; only a broken or hostile guest fills
/// it. The device model then leaves that guest's TX descriptors in its ring (back-pressure on
/// that guest alone, counted) and drops RX frames for it (counted), instead of failing the whole
/// run, so the other VMs sharing the device carry on.
@Suite(.serialized) struct StoppedGuestTests {
    @Test func fullCompletionRingDefersThatGuestsTXWithoutFailingTheRun() throws {
        let f = try HostileGuestTests.Fixture()  // rings of 16, completion ring of 32
        let completionSlots = f.rings.completions.capacity
        // The guest keeps publishing refused (zero-length) descriptors and never reaps.
        var seq: UInt32 = 0
        for _ in 0..<(completionSlots / 8 + 2) {
            for _ in 0..<8 {
                var d = f.legitimate(seq: seq)
                d.length = 0
                #expect(f.rings.tx.push(d))
                seq += 1
            }
            f.doorbell(tail: f.rings.tx.producerPosition)
        }
        #expect(f.control.failureMessage == nil, "a guest's full completion ring must not fail the run")
        #expect(f.rings.completions.count == completionSlots)
        #expect(f.model.rejections[Int(DropReason.descriptorBadLength.rawValue)] == completionSlots)
        #expect(f.model.completionRingFullDeferrals >= 1)
        #expect(f.rings.tx.count == Int(seq) - completionSlots, "the rest wait in the guest's own ring")
        // The guest reaps and rings again: the model takes what waited, then a good packet.
        var reaped = 0
        while f.completion() != nil { reaped += 1 }
        #expect(reaped == completionSlots)
        f.doorbell(tail: f.rings.tx.producerPosition)
        #expect(f.rings.tx.isEmpty)
        #expect(f.model.rejections[Int(DropReason.descriptorBadLength.rawValue)] == Int(seq))
        while f.completion() != nil {}
        #expect(f.rings.tx.push(f.legitimate(seq: 1_000, buffer: 1)))
        f.doorbell(tail: f.rings.tx.producerPosition)
        let c = f.command()
        #expect(c?.seq == 1_000 && c?.vmID == HostileGuestTests.vmID)
        #expect(f.control.failureMessage == nil)
    }

    @Test func rxFrameForAGuestWithAFullCompletionRingIsDroppedAndCounted() throws {
        let f = try HostileGuestTests.Fixture()
        let (frame, d) = HostileGuestTests.frame(source: Stations.peer, seq: 3)
        defer { frame.deallocate() }
        // Fill the completion ring with refused TX descriptors the guest never reaps.
        for i in 0..<f.rings.completions.capacity {
            var t = f.legitimate(seq: UInt32(i))
            t.length = 0
            if !f.rings.tx.push(t) { break }
            f.doorbell(tail: f.rings.tx.producerPosition)
        }
        while f.rings.completions.count < f.rings.completions.capacity {
            var t = f.legitimate(seq: 99)
            t.length = 0
            _ = f.rings.tx.push(t)
            f.doorbell(tail: f.rings.tx.producerPosition)
        }
        #expect(f.rings.rxFree.push(Descriptor(addr: f.rings.rxBuffers[0], length: 4096, kind: .rx)))
        f.model.deliverRX(d, frame: frame, length: Int(d.length), since: 0)
        #expect(f.model.rejections[Int(DropReason.guestStoppedConsumingCompletions.rawValue)] == 1)
        #expect(f.tally.dropped.load(ordering: .relaxed) == 1)
        #expect(f.rings.rxFree.count == 1, "the guest's posted buffer stays posted")
        #expect(f.control.failureMessage == nil)
    }
}

/// End to end: VM 2 (parked; the test drives its rings) fills its completion ring and stops
/// reaping while VM 1 sends all its packets through the shared host driver and radio.
@Suite(.serialized) struct StoppedSecondVMTests {
    final class Box: @unchecked Sendable {
        // Sound: written by the executor's thread in the seams, read by the test after `run`.
        var pipeline: Pipeline?
        var vm1FinishedWhileVM2Stuck = false
        var failureWhileStuck: String?
        var reaped = 0
    }

    @Test func vm1CarriesOnWhileVM2StopsConsumingCompletions() throws {
        var c = MultiVMTests.config(packets: 300, air: .ieee80211g)
        c.ringSize = 16
        let box = Box()
        var executor = PipelineExecutor()
        executor.stallSeconds = 5
        executor.beforeStart = { p in
            box.pipeline = p
            p.control.hold(p.machines[1].guest!.account)
        }
        executor.afterStart = { p in
            let vm2 = p.machines[1]
            let doorbell = DeviceModel.mmioBase + DeviceModel.txDoorbellOffset
            func publishRefusedDescriptors() {
                while !vm2.rings.tx.isFull {
                    _ = vm2.rings.tx.push(Descriptor(addr: vm2.rings.txBuffers[0], length: 0, seq: 7_000, kind: .tx))
                }
                vm2.trap!.write(address: doorbell, value: UInt64(vm2.rings.tx.producerPosition), width: 4, seq: 0)
            }
            // Fill VM 2's completion ring and its TX ring behind it; never reap meanwhile.
            let deadline = vw_monotonic_ns() + 5_000_000_000
            while (vm2.rings.completions.count < vm2.rings.completions.capacity || !vm2.rings.tx.isFull)
                && vw_monotonic_ns() < deadline {
                publishRefusedDescriptors()
            }
            // VM 1 (the only sender while VM 2's driver is parked) finishes meanwhile.
            while p.tally.txReclaimed.load(ordering: .relaxed) < 300 && vw_monotonic_ns() < deadline { usleep(1000) }
            box.vm1FinishedWhileVM2Stuck = p.tally.txReclaimed.load(ordering: .relaxed) == 300
                && vm2.rings.completions.count == vm2.rings.completions.capacity
            box.failureWhileStuck = p.control.failureMessage
            // VM 2 reaps everything, rings again for what waited, reaps that, and its honest
            // driver resumes.
            while let _ = vm2.rings.completions.tryPop() { box.reaped += 1 }
            vm2.trap!.write(address: doorbell, value: UInt64(vm2.rings.tx.producerPosition), width: 4, seq: 0)
            while !vm2.rings.tx.isEmpty || !vm2.rings.completions.isEmpty {
                if vw_monotonic_ns() > deadline { break }
                if vm2.rings.completions.tryPop() != nil { box.reaped += 1 } else { usleep(200) }
            }
            p.control.release()
        }
        let r = try executor.run(c, control: RunControl())
        #expect(box.vm1FinishedWhileVM2Stuck)
        #expect(box.failureWhileStuck == nil)
        #expect(r.deliveredByVM["vm1"] == 300 && r.deliveredByVM["vm2"] == 300)
        #expect((r.drops["tx_deferred_guest_completion_ring_full"] ?? 0) >= 1)
        #expect(r.drops["descriptor_bad_length"] == box.reaped)
        let vm1 = try #require(box.pipeline?.machines[0])
        #expect(vm1.guest!.txCompleted == 300 && vm1.guest!.txDroppedByDevice == 0)
        #expect(vm1.model.completionRingFullDeferrals == 0 && vm1.model.rejected == 0)
    }
}
