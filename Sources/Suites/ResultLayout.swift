/// File names and the stable leading columns of every result file. Extra columns may follow
/// these; these never change name or order.
public enum ResultLayout {
    public static let metadata = "metadata.json"
    public static let summary = "SUMMARY.md"
    public static let fig5Throughput = "fig5_throughput.csv"
    public static let fig5Latency = "fig5_latency.csv"
    public static let fig5LatencyCDF = "fig5_latency_cdf.csv"
    public static let fig6 = "fig6_extra_path.csv"
    public static let fig7 = "fig7_cpu.csv"
    public static let fig8 = "fig8_optimizations.csv"
    public static let table1 = "table1_time.csv"
    public static let headroom = "headroom.csv"
    public static let rawSamples = "raw_samples.csv"
    public static let rawStages = "raw_stages.csv"
    public static let rawCPU = "raw_cpu.csv"
    public static let rawCategories = "raw_categories.csv"
    public static let rawRTT = "raw_rtt.csv"
    /// Every finished repetition in full, one JSON line each (RunJournal): what `report`,
    /// `run --resume` and `merge` rebuild the tables from.
    public static let journal = "runs.jsonl"
    /// The suite file as the run read it, so a resume or a report needs nothing outside the directory.
    public static let suiteCopy = "suite.yaml"
    /// Run-to-run drift of same-code runs (`vwifi-bench drift`); the one beside Results/reference
    /// is from the reference machine's runs.
    public static let driftFile = "drift.csv"
    /// Plot-ready data (derived from the CSVs) for the gnuplot scripts.
    public static let plotDataDirectory = "plotdata"

    public static let fig5ThroughputColumns = ["scenario", "protocol", "direction", "goodput_mbps", "ci95_low",
                                               "ci95_high", "frames_per_s", "repetitions"]
    public static let fig5LatencyColumns = ["scenario", "rtt_ms_median", "rtt_ms_p99", "ci95_low", "ci95_high", "samples"]
    /// One step of a scenario's pooled round-trip CDF: this fraction of echoes took at most rtt_ms.
    public static let fig5LatencyCDFColumns = ["scenario", "rtt_ms", "fraction"]
    public static let fig6Columns = ["translation", "stage", "cycles_median", "cycles_p99", "share"]
    public static let fig7Columns = ["scenario", "component", "cpu_percent"]
    public static let fig8Columns = ["configuration", "cpu_percent", "ci95_low", "ci95_high", "goodput_mbps",
                                     "interrupts_per_s"]
    public static let table1Columns = ["scenario", "component", "category", "percent_of_total"]
    /// Per fig5 TX scenario: its unpaced frame rate (air: none) with the interval, the frame rate
    /// its fig5 TX run delivered on the air, and their ratio.
    public static let headroomColumns = ["scenario", "frames_per_s_air_none", "ci95_low", "ci95_high", "air_frames_per_s",
                                         "headroom"]
    /// Columns identifying a row of raw samples.
    public static let rawKeyColumns = ["experiment", "figure", "point", "row", "repetition", "seed"]
}
