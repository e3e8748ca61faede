// vwifi-bench: the command-line face of VirtualWiFiBench. Each sub-command lives in its own
// file and only parses, calls a library module and prints.
import ArgumentParser

@main
struct VWiFiBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vwifi-bench",
        abstract: "Benchmark and profile the Native, VM-Passthrough and Virtual WiFi data paths.",
        version: ToolVersion.string,
        subcommands: [RunCommand.self, PlotCommand.self, CompareCommand.self])
}
