// A real program's send() ends in the station kernel's queue on the TUN interface, where a real
// WiFi driver's transmit routine would run at once, in the sender's context. The program is
// another process here, so this thread stands for that context: it sleeps in poll(2) on the TUN
// and runs the host driver's transmit routine for every packet queued. Its wake-up is the one
// hand-off the real system does not have (the hop table lists it, unmeasured: the program's
// send carries no stamp); its CPU is the sender's, `app`, beside the program's own.
import CVWiFiShim
import Measurement
import Platform

final class TrafficPump: PipelineComponent, @unchecked Sendable {
    // SAFETY: touched only by the pump thread after start; the executor reads after joining it.
    package let context: ComponentContext
    private let transmitter: NativeTransmitRoutine
    private var seq: UInt32 = 0
    /// Times the pump woke to a queued packet.
    private(set) var wakeups = 0

    init(context: ComponentContext, transmitter: NativeTransmitRoutine) {
        self.context = context
        self.transmitter = transmitter
    }

    var packetsQueued: Int { Int(seq) }

    func run() {
        runLoop {
            guard vw_poll_readable(transmitter.tun, 100) > 0 else { return }
            wakeups += 1
            while !control.isStopping {
                guard transmitter.waitForRoom(control: control) else { return }
                switch transmitter.transmitCarried(seq: seq, account: account, control: control) {
                case .queued:
                    seq &+= 1
                    tally.add(tally.sent)
                    account.advance()
                case .empty, .stopped:
                    return
                }
            }
        }
    }
}

extension TrafficPump: ResultContributor {
    func contribute(to readings: inout ResultReadings, config: PathConfig) {
        readings.notes.append("the transmit routine ran on a pump thread woken \(wakeups) times by the station's TUN (the program is a separate process), queuing \(packetsQueued) packets")
        if transmitter.foreignPackets > 0 {
            readings.notes.append("\(transmitter.foreignPackets) non-IPv4 packets on the station's TUN skipped")
        }
    }
}
