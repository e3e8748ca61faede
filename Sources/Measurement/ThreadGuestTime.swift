// Time a thread spent running a KVM guest (guest mode), as the kernel accounts it.
import Glibc

extension ThreadUsage {
    /// Seconds thread `tid` of this process ran guest code inside KVM_RUN: guest_time, field 43
    /// of /proc/self/task/<tid>/stat, in clock ticks (sampled by the scheduler tick, so coarse
    /// over short intervals). Linux counts it inside the thread's user time. Nil when unreadable.
    public static func guestSeconds(tid: Int32) -> Double? {
        guard let fields = ProcTaskStat.fields(tid: tid), fields.count > 42, let ticks = Double(fields[42]) else { return nil }
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
