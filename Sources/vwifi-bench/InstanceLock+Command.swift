// What `run` and `path` do with the per-machine instance lock: hold one for the whole command, name
// every other instance, and with --exclusive refuse to start beside one.
import DataPaths
import Measurement

extension InstanceLock {
    /// This command's lock (nil when no lock directory takes files: nothing can be seen then) and
    /// the instances already running. With `exclusive`, another instance is a ConfigError.
    static func takeForCommand(exclusive: Bool) throws(ConfigError) -> (lock: InstanceLock?, others: [Holder]) {
        let lock = try? InstanceLock(command: CommandLine.arguments.joined(separator: " "))
        let others = lock?.others() ?? []
        if exclusive, let o = others.first {
            throw ConfigError(field: "--exclusive", problem: "another vwifi-bench instance is running (pid \(o.pid): \(o.command))",
                              fix: "wait for it or drop --exclusive")
        }
        return (lock, others)
    }
}

extension InstanceLock.Holder: CustomStringConvertible {
    public var description: String { "pid \(pid) (\(command))" }
}
