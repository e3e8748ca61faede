// Every option of a data-path run. The order is the order `vwifi-bench path` applies its flags
// in (so `--ping` after `--workload` still means a ping run, and `--saturate` after `--rate`),
// and the order messages list the names in.
extension PathOption {
    public static let all: [PathOption] = [
        choice("workload", "Traffic to offer (idle: none, see --timer-hz).", Workload.self) { $0.workload = $1 },
        integer("packets", "N", "Packets to send (count-bounded run).", 1...100_000_000) { $0.packets = $1 },
        number("duration", "S", "Seconds to run (time-bounded run; overrides --packets).", 0.01...86_400) {
            $0.duration = $1
        },
        integer("size", "BYTES", "UDP payload bytes (1450 gives a 1514-byte MPDU).", 18...PathConfig.maxPayload) {
            $0.size = $1
        },
        number("rate", "PPS", "Offered load in packets per second (default: saturate).", 1...10_000_000) {
            $0.rate = $1
        },
        boolean("saturate", "Offer as much as the path takes (the default).") { if $1 { $0.rate = nil } },
        choice("direction", "Traffic direction.", Direction.self) { $0.direction = $1 },
        choice("traffic", "Who makes the traffic: the harness's generator or a real program.", Traffic.self) {
            $0.traffic = $1
        },
        text("traffic-args", "ARGS", "Extra flags for the traffic program (split on spaces; no shell).") {
            $0.trafficArgs = $1.split(separator: " ").map(String.init)
        },
        integer("ping", "N", "Send N echo requests and report round-trip times.", 1...10_000_000) {
            $0.pingCount = $1
            $0.workload = .ping
        },
        number("ping-interval-ms", "MS", "Gap between echo requests, milliseconds.", 0...60_000) {
            $0.pingIntervalMs = $1
        },
        number("ping-timeout-ms", "MS", "Wait for an echo reply before counting it lost, milliseconds.", 1...60_000) {
            $0.pingTimeoutMs = $1
        },
        choice("translation", "GPA->HPA translation (iommu: vwifi only).", TranslationMode.self) {
            $0.translation = $1
        },
        boolean("pagemap", "Add a real /proc/self/pagemap lookup per translated page (software translation).") {
            $0.pagemap = $1
        },
        integer("coalesce-device-model", "N", "Inject one virtual interrupt per N completions (vwifi).", 1...4096) {
            $0.coalesceDeviceModel = $1
        },
        number("coalesce-device-model-timeout-us", "US",
               "... or once this many microseconds passed since the first pending completion.", 1...1_000_000) {
            $0.coalesceDeviceModelTimeoutUs = $1
        },
        integer("coalesce-device", "N", "Raise one physical interrupt per N completions.", 1...4096) {
            $0.coalesceDevice = $1
        },
        number("coalesce-device-timeout-us", "US",
               "... or once this many microseconds passed since the first pending completion.", 1...1_000_000) {
            $0.coalesceDeviceTimeoutUs = $1
        },
        choice("air", "Air pacing (none: the software path's own limit).", AirModel.self) { $0.air = $1 },
        choice("slot", "802.11 slot time.", SlotTime.self) { $0.slot = $1 },
        choice("trap", "How the guest's doorbell reaches the hypervisor.", TrapBackendChoice.self) { $0.trap = $1 },
        choice("doorbell", "exit: a user-space exit; ioeventfd: absorbed in the kernel (vwifi).", DoorbellMode.self) {
            $0.doorbell = $1
        },
        integer("timer-hz", "HZ", "Guest timer tick rate (idle workload).", 1...10_000) { $0.timerHz = $1 },
        integer("ring-size", "N", "Descriptors per ring.", 8...32_768, powerOfTwo: true) { $0.ringSize = $1 },
        boolean("stamps", "Disable stage stamps (to measure their perturbation).", flagSets: false) {
            $0.stamps = $1
        },
        list("counters", "LIST", "Comma-separated perf events (libpfm4 names); empty disables.") {
            $0.counters = $1
        },
        integer("warmup", "N", "Packets excluded from statistics at the start.", 0...1_000_000) {
            $0.warmupPackets = $1
        },
        unsigned("seed", "N", "Seed of the run's random draws (backoff and the like).") { $0.seed = $1 },
        number("loss", "P", "Probability that a transmission attempt is lost on the air (retried up to the retry limit).",
               0...0.9) { $0.loss = $1 },
        text("kvm-device", "PATH", "KVM device for --trap kvm|auto (a missing path forces the thread fallback).") {
            $0.kvmDevice = $1
        },
        integer("vms", "N", "VMs sharing the vwifi device (udp tx, thread trap); --packets is per VM.",
                1...PathConfig.maxVMs) { $0.vms = $1 },
    ]
}
