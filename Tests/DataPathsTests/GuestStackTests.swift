import Foundation
import Testing
@testable import DataPaths
import Platform
import VMM

/// A real program through a KVM guest (carry mode): ping's echoes cross passthrough both ways, and
/// what a hostile guest writes where the host reads its stack's words reaches the host bounded.
@Suite(.serialized, .enabled(if: KVMBackendHere.usable && (try? ToolInvocation.checkInstalled(.ping)) != nil,
                             "needs the kvm backend and ping: \(KVMBackendHere.why)"))
struct GuestStackTests {
    final class Keep: @unchecked Sendable {
        // Sound: set by the executor's afterStart hook on the calling thread, read after run returns.
        var guest: KVMGuest?
    }

    func runPing(_ path: PathKind) throws -> (PathResult, KVMGuest, GuestStack) {
        let keep = Keep()
        var c = PathConfig(path: path)
        c.trap = .kvm
        c.traffic = .ping
        c.workload = .ping
        c.pingCount = 3
        c.pingIntervalMs = 20
        var executor = PipelineExecutor()
        executor.afterStart = { p in keep.guest = p.kvmGuest }
        let result = try executor.run(c, control: RunControl())
        let guest = try #require(keep.guest)
        return (result, guest, try #require(guest.stack))
    }

    @Test(arguments: [PathKind.passthrough, .vwifi])
    func pingCrossesTheGuestDriverBothWays(path: PathKind) throws {
        let (r, guest, stack) = try runPing(path)
        #expect(r.summary.trapBackend == "kvm")
        #expect(r.traffic?.report.ping?.received == 3, "\(r.warnings)")
        #expect(r.traffic?.clientComponent == "guest")
        #expect(stack.packetsQueued == 3 && stack.delivery.packets == 3)
        #expect(guest.runner.guestCount(GuestMailbox.stackWakes) > 0)
        #expect(r.traffic?.crossCheck.roundTrip?.agrees == true, "\(String(describing: r.traffic?.crossCheck))")
        // The stack's deliveries on the vCPU thread are the guest's: an account of its own.
        #expect(r.cpu.contains { $0.component == .guest })
    }

    @Test func hostileStackWordsReachTheHostBounded() throws {
        let (_, guest, stack) = try runPing(.passthrough)
        let m = guest.layout.mailbox
        let before = stack.outbox.consumed
        // A count of filled slots beyond the outbox: refused whole, the run fails, nothing taken.
        guest.ram.storeU64(m + GuestMailbox.outboxProduced, UInt64(before) + UInt64(GuestStack.outboxSlots) + 1)
        stack.drainOutbox(stampingOn: guest.account)
        #expect(stack.outbox.consumed == before)
        #expect(guest.control.failureMessage?.contains("claims") == true)
        // A slot whose length no packet has: skipped, never written to the kernel.
        let slot = guest.runner.parameters.outbox + UInt64(before % GuestStack.outboxSlots) * GuestMailbox.outboxSlotBytes
        guest.ram.storeU32(slot + GuestMailbox.outboxLength, .max)
        guest.ram.storeU64(m + GuestMailbox.outboxProduced, UInt64(before) + 1)
        stack.drainOutbox(stampingOn: guest.account)
        #expect(stack.outbox.consumed == before + 1 && stack.malformed == 1)
        // Counters past any real count are clamped where the host adds or compares them.
        guest.ram.storeU64(m + GuestMailbox.reclaimed, .max)
        stack.noteReclaimed()
        guest.ram.storeU64(m + GuestMailbox.outboxFull, .max)
        var readings = ResultReadings()
        stack.contribute(to: &readings, config: guest.config)
        #expect(readings.drops["guest_stack_queue_full"] == Int(Int32.max))
        #expect(readings.warnings.contains { $0.contains("outbox entries with a length") })
    }
}
