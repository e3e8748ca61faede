// A real program's traffic on passthrough and vwifi. `PathConfig.validate()` still refuses it
// there (a program "runs on the native path only so far") while the path command is being taught
// to carry it, so a suite point of that kind is checked as `path` will check it: every check of
// `validate()` on the harness's side, and the program's command line and installation as native
// checks them (the run's own `validate()` still refuses the rest). Figure 5(b) in paper.yaml
// parses today; its VM runs fail, each named in the run's failures, until the VM paths take the
// program. Once `validate()` accepts a program on every path, delete this file.
import DataPaths

extension SuiteParser {
    static func validateAsPathWill(_ c: PathConfig) throws(ConfigError) {
        guard c.traffic.isTool, c.path != .native else { return try c.validate() }
        var harness = c
        harness.traffic = .builtin
        try harness.validate()
        _ = try ToolInvocation(c)
        _ = try ToolInvocation.checkInstalled(c.traffic)
    }
}
