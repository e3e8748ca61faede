// A missing traffic program is bad input, refused before anything is created or written.
import Measurement

extension ToolInvocation {
    /// The full path of the program `traffic` needs; throws naming its Debian package when no
    /// directory of `searchPath` has it. The builtin generator needs none (nil).
    @discardableResult
    public static func checkInstalled(_ traffic: Traffic,
                                      searchPath: String = ExecutableSearch.processPath) throws(ConfigError) -> String? {
        guard let (name, package) = traffic.executable else { return nil }
        guard let path = ExecutableSearch.locate(name, searchPath: searchPath) else {
            throw ConfigError(field: "traffic", problem: "\(name) is not installed (not found on PATH)",
                              fix: "apt-get install \(package) (or make deps), or choose --traffic builtin")
        }
        return path
    }
}
