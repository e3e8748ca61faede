// The transport a throughput row measures, as fig5_throughput.csv's `protocol` column names it.
import DataPaths

extension PathConfig {
    /// `tcp` for iperf3's TCP stream; otherwise the workload's name (`udp` for the harness's own
    /// stream and for iperf3's UDP one alike).
    var transportProtocol: String { traffic == .iperf3TCP ? "tcp" : workload.rawValue }
}
