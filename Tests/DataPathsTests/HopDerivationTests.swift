import Testing
@testable import DataPaths

/// The hop derivation on hand-made stamps: hops come from which account stamped what, the
/// declarations only name them.
struct HopDerivationTests {
    func account(_ component: Component, _ name: String) -> ThreadAccount {
        ThreadAccount(component: component, name: name, stampCapacity: 1_000, stampsEnabled: true, events: [])
    }

    let connections = [
        HopConnection(into: [.deviceDequeue], "doorbell"),
        HopConnection(into: [.hostDriverReceipt], from: [.app], "syscall", sameThread: true),
        HopConnection(into: [.trapExit], from: [.guest], "exit"),
    ]

    func derive(_ accounts: [ThreadAccount], relays: [StampRelay] = [], warmup: UInt32 = 0,
                _ path: CriticalPath = .tx) -> [HopStatistic] {
        HopDerivation(accounts: accounts, connections: connections, relays: relays, warmup: warmup).rows(for: [path])
    }

    @Test func consecutiveStampsOnOtherThreadsAreHopsNamedByTheReceiversDeclaration() {
        let app = account(.app, "a"), device = account(.device, "d")
        for seq in UInt32(0)..<10 {
            let t = UInt64(seq) * 1_000
            app.stamp(.doorbell, seq, tsc: t)
            app.stamp(.hostDriverReceipt, seq, tsc: t + 10)
            app.stamp(.queuedToDevice, seq, tsc: t + 20)
            device.stamp(.deviceDequeue, seq, tsc: t + 120)
            device.stamp(.air, seq, tsc: t + 500)
        }
        let rows = derive([app, device], warmup: 2)
        #expect(rows.map { "\($0.from)>\($0.to):\($0.mechanism)" } == ["app>app:syscall", "app>device:doorbell"])
        #expect(rows.allSatisfy { $0.count == 8 && $0.perPacket == 1 })
        #expect(rows.map(\.medianCycles) == [10, 100])
        #expect(rows.map(\.sameThread) == [true, false])
        #expect(rows.last?.stages == "queued_to_device->device_dequeue")
    }

    @Test func anUndeclaredThreadChangeIsAHopAndASameThreadStepIsNot() {
        let app = account(.app, "a"), driver = account(.hostDriver, "h")
        for seq in UInt32(0)..<4 {
            app.stamp(.doorbell, seq, tsc: UInt64(seq) * 100)
            driver.stamp(.hostDriverReceipt, seq, tsc: UInt64(seq) * 100 + 5)   // declared same-thread, but it is not
            driver.stamp(.queuedToDevice, seq, tsc: UInt64(seq) * 100 + 6)
            driver.stamp(.air, seq, tsc: UInt64(seq) * 100 + 7)
        }
        let rows = derive([app, driver])
        #expect(rows.count == 1)
        #expect(rows.first?.mechanism == HopMechanism.undeclared)
        #expect(rows.first?.from == "app" && rows.first?.to == "host_driver")
    }

    @Test func aRelayedStampCountsInTheContextThatTookIt() {
        let guest = account(.guest, "g"), hypervisor = account(.hypervisor, "g:kvm"), model = account(.deviceModel, "m")
        for seq in UInt32(0)..<5 {
            let t = UInt64(seq) * 1_000
            model.stamp(.doorbell, seq, tsc: t)
            hypervisor.stamp(.trapExit, seq, tsc: t + 40)
            hypervisor.stamp(.decode, seq, tsc: t + 50)
            model.stamp(.deviceModelReceipt, seq, tsc: t + 90)
            model.stamp(.air, seq, tsc: t + 95)
        }
        let plain = derive([guest, hypervisor, model])
        #expect(plain.first?.from == "device_model")
        let relayed = derive([guest, hypervisor, model],
                             relays: [StampRelay(stage: .doorbell, recordedBy: model, takenBy: guest)])
        #expect(relayed.map { "\($0.from)>\($0.to):\($0.mechanism)" }
                == ["guest>hypervisor:exit", "hypervisor>device_model:\(HopMechanism.undeclared)"])
    }

    @Test func aFrameDroppedOnTheWayIsNotAMeasuredPacket() {
        let app = account(.app, "a"), device = account(.device, "d")
        for seq in UInt32(0)..<4 {
            app.stamp(.doorbell, seq, tsc: UInt64(seq) * 100)
            app.stamp(.queuedToDevice, seq, tsc: UInt64(seq) * 100 + 1)
            if seq != 2 {
                device.stamp(.deviceDequeue, seq, tsc: UInt64(seq) * 100 + 10)
                device.stamp(.air, seq, tsc: UInt64(seq) * 100 + 20)
            }
        }
        let rows = derive([app, device])
        #expect(rows.count == 1 && rows.first?.count == 3 && rows.first?.perPacket == 1)
    }

    @Test func aStampBeforeThePreviousStageIsSkippedAndRepeatedSequenceNumbersMatchByTime() {
        // A ping's request and reply share the sequence number: the reply's interrupt stamps
        // follow its DMA, the request's completion interrupt precedes it.
        let device = account(.device, "d"), driver = account(.hostDriver, "h"), app = account(.app, "a")
        device.stamp(.irqRaise, 0, tsc: 100)      // the request's completion
        driver.stamp(.physicalIRQ, 0, tsc: 150)
        device.stamp(.rxAir, 0, tsc: 200)
        device.stamp(.rxDMA, 0, tsc: 210)
        device.stamp(.irqRaise, 0, tsc: 220)      // the reply's
        driver.stamp(.physicalIRQ, 0, tsc: 300)
        driver.stamp(.rxForward, 0, tsc: 310)
        app.stamp(.rxDelivery, 0, tsc: 400)
        let rows = HopDerivation(accounts: [device, driver, app], connections: [], relays: [], warmup: 0).rows(for: [.rx])
        #expect(rows.map { "\($0.from)>\($0.to)" } == ["device>host_driver", "host_driver>app"])
        #expect(rows.map(\.medianCycles) == [80, 90])
    }

    @Test func aFrameWithoutItsOwnInterruptStampIsCoveredByTheNextCause() {
        // Two interrupts, each covering two frames: the handler stamps the newer frame's seq.
        let device = account(.device, "d"), driver = account(.hostDriver, "h")
        for seq in UInt32(0)..<4 {
            device.stamp(.air, seq, tsc: UInt64(seq) * 100)
            device.stamp(.irqRaise, seq, tsc: UInt64(seq) * 100 + 10)
        }
        driver.stamp(.physicalIRQ, 1, tsc: 150)
        driver.stamp(.physicalIRQ, 3, tsc: 350)
        let rows = HopDerivation(accounts: [device, driver], connections: [HopConnection(into: [.physicalIRQ], "irq")],
                                 relays: [], warmup: 0).rows(for: [.completion])
        #expect(rows.count == 1)
        #expect(rows.first?.mechanism == "irq" && rows.first?.count == 4 && rows.first?.perPacket == 1)
        // Frame 0 waited 140 cycles, frame 1 40, frame 2 140, frame 3 40.
        #expect(rows.first?.medianCycles == 90)
    }

    @Test func aFrameTakenByAnInterruptAlreadyBeingHandledCrossesWithoutADuration() {
        // Frame 1 arrives while the handler (cause 0) is draining: it is taken in that pass, and
        // the next interrupt (cause 2) comes after the frame's own stamp in the handler.
        let device = account(.device, "d"), driver = account(.hostDriver, "h"), app = account(.app, "a")
        device.stamp(.rxAir, 0, tsc: 5); device.stamp(.rxDMA, 0, tsc: 10); device.stamp(.irqRaise, 0, tsc: 11)
        driver.stamp(.physicalIRQ, 0, tsc: 20)
        device.stamp(.rxAir, 1, tsc: 15); device.stamp(.rxDMA, 1, tsc: 22); device.stamp(.irqRaise, 1, tsc: 23)
        driver.stamp(.rxPhysicalIRQ, 0, tsc: 25); driver.stamp(.rxForward, 0, tsc: 26)
        driver.stamp(.rxPhysicalIRQ, 1, tsc: 30); driver.stamp(.rxForward, 1, tsc: 31)
        driver.stamp(.physicalIRQ, 2, tsc: 100)
        app.stamp(.rxDelivery, 0, tsc: 40); app.stamp(.rxDelivery, 1, tsc: 50)
        let connections = [HopConnection(into: [.physicalIRQ, .rxPhysicalIRQ], from: [.device], "irq"),
                           HopConnection(into: [.rxDelivery], from: [.hostDriver], "wake")]
        let rows = HopDerivation(accounts: [device, driver, app], connections: connections, relays: [], warmup: 0)
            .rows(for: [.rx])
        #expect(rows.map { "\($0.from)>\($0.to):\($0.mechanism)" } == ["device>host_driver:irq", "host_driver>app:wake"])
        #expect(rows.map(\.count) == [2, 2])
        // Frame 1's crossing into the handler has no stamp of its own: only frame 0's is timed.
        #expect(rows.first?.medianCycles == 9)
        #expect(rows.last?.medianCycles == 16.5)
    }
}
