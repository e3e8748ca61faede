// Ctrl-C (SIGINT) and SIGTERM: the first asks the run to stop now (the pipeline's supervisor
// sees it within one 5 ms poll, through the RunControl, and stops every thread; finished results
// stay, the unfinished run is dropped, nothing is half-written); a second one exits at once.
// The exit status is the shell's convention for the signal: 128 + its number (130, 143).
// The handler is the shim's plain async-signal-safe one, not a Dispatch signal source: the
// thread behind such a source is woken for every signal the process gets, including each KVM
// vCPU kick, and its CPU competed with the pipeline on two cores.
import CVWiFiShim
import DataPaths
import Glibc

struct InterruptHandling {
    /// Installs the handler; a failure leaves the default dispositions (Ctrl-C then just ends
    /// the process, as before any run starts).
    static func install() -> InterruptHandling {
        _ = vw_install_termination_handlers()
        return InterruptHandling()
    }

    /// The run control a cancelled signal cancels.
    func control(progress: (@Sendable (Double) -> Void)? = nil) -> RunControl {
        RunControl(progress: progress, cancelledWhen: { vw_termination_signal() != 0 })
    }

    /// 128 + the first signal's number (130 SIGINT, 143 SIGTERM); 130 if none arrived.
    var exitStatus: Int32 {
        let s = vw_termination_signal()
        return 128 + (s == 0 ? SIGINT : s)
    }

    func restore() { _ = vw_restore_termination_handlers() }
}
