// `vwifi-bench doctor`: what this machine can measure, and why not where it cannot.
import ArgumentParser
import SystemProbe

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Report the clock, counters, permissions, NUMA, KVM, network and tools of this machine.")

    @Flag(name: .long, help: "Print the report as JSON (sorted keys).")
    var json = false

    @Option(name: .customLong("kvm-device"), help: "KVM device to probe.")
    var kvmDevice = "/dev/kvm"

    func run() throws {
        let report = MachineReport.probe(kvmDevice: kvmDevice)
        if json {
            print(try report.json())
        } else {
            print(report.table(), terminator: "")
        }
    }
}
