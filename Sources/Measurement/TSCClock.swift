// What one TSC tick is worth on this machine, and how far a reading can be trusted.
public struct TSCClock: Sendable, Codable, Equatable {
    /// Ticks per second, calibrated against CLOCK_MONOTONIC (median of the rounds).
    public let hz: Double
    /// The rate does not follow frequency changes (constant_tsc, or CPUID invariant TSC).
    public let constant: Bool
    /// The counter keeps running in deep C-states (nonstop_tsc, or CPUID invariant TSC).
    public let nonstop: Bool
    /// Both constant and nonstop: ticks are wall time.
    public let invariant: Bool
    /// CPUID 0x80000007 EDX bit 8 as the CPU (or hypervisor) reports it.
    public let cpuidInvariantBit: Bool
    /// Spread between the calibration rounds, in parts per million of `hz`.
    public let calibrationSpreadPPM: Double
    /// Cost of one unfenced stamp: back-to-back RDTSC deltas, 1%-trimmed mean (the TSC may tick
    /// in coarse steps, which makes a median of single deltas read 0 or one step).
    public let readCostCycles: Double
    /// An empty fenced region (fencedStart .. fencedEnd), 1%-trimmed mean: the floor of any region.
    public let fencedFloorCycles: Double
    /// No two CPUs this process may run on were seen to disagree (within the probe's tolerance).
    public let synchronized: Bool
    /// Every CPU pair was really compared; false when a busy machine left the check inconclusive.
    public let syncVerified: Bool
    /// How synchronization was checked and what was seen, in plain words.
    public let syncNote: String

    public init(hz: Double, constant: Bool, nonstop: Bool, cpuidInvariantBit: Bool,
                calibrationSpreadPPM: Double, readCostCycles: Double, fencedFloorCycles: Double,
                synchronized: Bool, syncVerified: Bool, syncNote: String) {
        self.hz = hz
        self.constant = constant
        self.nonstop = nonstop
        self.invariant = constant && nonstop
        self.cpuidInvariantBit = cpuidInvariantBit
        self.calibrationSpreadPPM = calibrationSpreadPPM
        self.readCostCycles = readCostCycles
        self.fencedFloorCycles = fencedFloorCycles
        self.synchronized = synchronized
        self.syncVerified = syncVerified
        self.syncNote = syncNote
    }

    /// Calibrated once per process, on first use (a `static let` is initialized lazily and once).
    public static let shared: TSCClock = calibrate()

    public func seconds(cycles: UInt64) -> Double { Double(cycles) / hz }
    public func seconds(cycles: Double) -> Double { cycles / hz }
    public func nanoseconds(cycles: UInt64) -> Double { Double(cycles) * 1e9 / hz }
    public func nanoseconds(cycles: Double) -> Double { cycles * 1e9 / hz }
    public func cycles(seconds: Double) -> UInt64 { UInt64((seconds * hz).rounded()) }
}
