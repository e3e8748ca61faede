import CVWiFiShim
import Foundation
import Synchronization
import Testing
@testable import Platform

@Suite(.serialized) struct NotifierTests {
    @Test func signalWithoutAWaiterMakesNoSyscall() {
        let n = Notifier()
        let token = n.prepare()
        #expect(!n.signal())
        #expect(n.wakeSyscalls == 0 && n.signals == 1)
        // The signal came after the token: the wait returns at once, without sleeping.
        #expect(n.wait(after: token, spinIterations: 0, timeoutNs: 5_000_000_000) == .signalled)
        #expect(n.sleeps == 0)
    }

    @Test func waitTimesOutWhenNothingIsSignalled() {
        let n = Notifier()
        #expect(n.wait(spinIterations: 10, timeoutNs: 1_000_000) == .timedOut)
        #expect(!n.hasSleeper)
    }

    @Test func aSleepingWaiterIsWokenEveryRound() {
        let n = Notifier()
        let rounds = 200
        let completed = Atomic<Int>(0)
        let unexpected = Atomic<Int>(0)
        let waiter = TestThread {
            for _ in 0..<rounds {
                let outcome = n.wait(after: n.prepare(), spinIterations: 0, timeoutNs: 10_000_000_000)
                if outcome != .signalled { unexpected.add(1, ordering: .relaxed) }
                completed.add(1, ordering: .releasing)
            }
        }
        var syscallsMade = 0
        for r in 0..<rounds {
            // The waiter has announced it sleeps; give it time to enter FUTEX_WAIT. A signal then
            // makes the wake system call, unless the waiter was still between its announcement
            // and the futex (it then sees the new sequence itself: no system call is needed).
            // On any failure, close() releases the waiter at once so the test fails fast.
            guard eventually({ n.hasSleeper }) else { Issue.record("waiter never slept in round \(r)"); n.close(); break }
            usleep(200)
            if n.signal() { syscallsMade += 1 }
            guard eventually({ completed.load(ordering: .acquiring) == r + 1 }) else {
                Issue.record("waiter not woken in round \(r)"); n.close(); break
            }
        }
        #expect(waiter.join())
        #expect(unexpected.load(ordering: .relaxed) == 0)
        #expect(syscallsMade > rounds / 2, "the waiter was asleep in most rounds: \(syscallsMade) wake calls")
        #expect(n.wakeSyscalls == syscallsMade)
    }

    @Test func aSignalHandlerOnTheWaitingThreadDoesNotEndTheWait() {
        // A handler installed without SA_RESTART (as the vCPU kick's is) makes a timed FUTEX_WAIT
        // return EINTR; the waiter must sleep on until it is really signalled.
        let kick = vw_vmm_kick_signal()
        #expect(vw_install_interrupting_handler(kick) == 0)
        let n = Notifier()
        let tid = Atomic<Int32>(0)
        let outcome = Mutex<WaitOutcome?>(nil)
        let waiter = TestThread {
            // Test threads may start with the signal blocked; the vCPU threads unblock it too.
            _ = vw_unblock_signal(kick)
            tid.store(vw_gettid(), ordering: .releasing)
            let o = n.wait(after: n.prepare(), spinIterations: 0, timeoutNs: 10_000_000_000)
            outcome.withLock { $0 = o }
        }
        #expect(eventually { n.hasSleeper })
        for _ in 0..<5 {
            #expect(vw_tgkill(tid.load(ordering: .acquiring), kick) == 0)
            usleep(2_000)
        }
        #expect(outcome.withLock { $0 } == nil, "the wait ended on a signal handler, not on a signal")
        n.signal()
        #expect(waiter.join())
        #expect(outcome.withLock { $0 } == .signalled)
        #expect(n.sleeps > 1, "each interrupted sleep was followed by another")
    }

    @Test func pingPongLosesNoWakeUps() {
        // Two threads hand a token back and forth; each waits with the prepare/check/wait
        // pattern. A lost wake-up would show up as a timed-out wait.
        let toB = Notifier(), toA = Notifier()
        let turn = Atomic<Int>(0)  // even: A's turn, odd: B's
        let rounds = 2_000
        let failures = Atomic<Int>(0)
        let b = TestThread {
            for r in 0..<rounds {
                while true {
                    let token = toB.prepare()
                    if turn.load(ordering: .acquiring) == 2 * r + 1 { break }
                    if toB.wait(after: token, spinIterations: 50, timeoutNs: 5_000_000_000) == .timedOut {
                        failures.add(1, ordering: .relaxed); return
                    }
                }
                turn.store(2 * r + 2, ordering: .releasing)
                toA.signal()
            }
        }
        for r in 0..<rounds {
            turn.store(2 * r + 1, ordering: .releasing)
            toB.signal()
            var ok = true
            while true {
                let token = toA.prepare()
                if turn.load(ordering: .acquiring) == 2 * r + 2 { break }
                if toA.wait(after: token, spinIterations: 50, timeoutNs: 5_000_000_000) == .timedOut { ok = false; break }
            }
            if !ok { failures.add(1, ordering: .relaxed); break }
        }
        #expect(b.join())
        #expect(failures.load(ordering: .relaxed) == 0)
        #expect(turn.load(ordering: .relaxed) == 2 * rounds)
        #expect(toB.signals == rounds && toA.signals == rounds)
        #expect(toB.wakeSyscalls <= rounds)
    }

    @Test func closeReleasesASleeperAndLaterWaits() {
        let n = Notifier()
        let outcome = Mutex<WaitOutcome?>(nil)
        let waiter = TestThread {
            let o = n.wait(spinIterations: 0, timeoutNs: -1)
            outcome.withLock { $0 = o }
        }
        #expect(eventually { n.hasSleeper })
        n.close()
        #expect(waiter.join(seconds: 10))
        #expect(outcome.withLock { $0 } == .closed)
        #expect(n.wait(spinIterations: 1_000, timeoutNs: -1) == .closed)
        #expect(n.isClosed)
    }

    @Test func signallerViewsWakeTheOneWaiterAndKeepTheirOwnCounts() {
        let device = Notifier()
        let views = [Notifier(signallingWaiterOf: device), Notifier(signallingWaiterOf: device)]
        let rounds = 300
        let seen = Atomic<Int>(0)
        let waiter = TestThread {
            var token = device.prepare()
            // Both views signal every round; the waiter needs only to see the sequence move.
            while seen.load(ordering: .relaxed) < rounds {
                if device.wait(after: token, spinIterations: 0, timeoutNs: 2_000_000_000) != .signalled { return }
                token = device.prepare()
                seen.add(1, ordering: .relaxed)
            }
        }
        let signallers = views.map { view in
            TestThread {
                for _ in 0..<rounds {
                    view.signal()
                    usleep(50)
                }
            }
        }
        for t in signallers { #expect(t.join()) }
        // Keep signalling until the waiter counted its rounds (views may merge signals).
        #expect(eventually { views[0].signal(); return seen.load(ordering: .relaxed) >= rounds })
        #expect(waiter.join())
        #expect(views[1].signals == rounds, "each view counts exactly its own signals")
        #expect(device.signals == 0, "the device's own counters are not written by the views")
        #expect(views[0].wakeSyscalls + views[1].wakeSyscalls > 0, "the sleeping waiter was woken through the views")
    }
}
