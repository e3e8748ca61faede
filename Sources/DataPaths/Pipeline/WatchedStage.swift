import CVWiFiShim

struct WatchedStage {
    /// What the stage is, e.g. "device model" or "guest (VM 2)".
    let label: String
    let account: ThreadAccount
    /// Work queued for the stage, described from upstream ("the guest has 12 descriptors
    /// queued for it"); nil when nothing waits. Called by the watchdog only (not a hot path).
    let waiting: () -> String?
}
