// The rule that CPU adds up: the `cpu` rows (harness included) sum to the process's own CPU
// over the measured window, or the run says by how much they miss.
import Measurement

public enum CPUBalance {
    /// A miss up to this share of the process's CPU is measurement noise, not a missing thread.
    public static let relativeTolerance = 0.02
    /// getrusage reports a running thread's time as of the scheduler's last update of it, up to
    /// one tick (4 ms at HZ=250) behind; at a sample at most one running thread per core (2
    /// cores) lags: 8 ms. Runs of any length miss by a steady 2-3 ms (threads' exit after their
    /// last sample), so a run too short for 2 % to exceed 8 ms is held to 8 ms.
    public static let absoluteFloorSeconds = 0.008

    /// The largest miss still in balance for a process that spent `process` seconds.
    public static func tolerance(process: Double) -> Double {
        max(relativeTolerance * process, absoluteFloorSeconds)
    }

    /// A warning when the rows miss the process's CPU by more than the tolerance, else nil.
    public static func miss(components: Double, process: Double) -> String? {
        let gap = components - process
        guard abs(gap) > tolerance(process: process) else { return nil }
        let share = process > 0 ? NumberFormat.trimmed(abs(gap) / process * 100, decimals: 1) + " %" : "all"
        return "CPU does not add up: the components' rows sum to \(NumberFormat.trimmed(components, decimals: 4)) s, "
            + "the process spent \(NumberFormat.trimmed(process, decimals: 4)) s over the measured window "
            + "(\(gap > 0 ? "over" : "short") by \(share)); "
            + (gap < 0 ? "some thread's time is in no row" : "a row counted time outside the window")
    }
}
