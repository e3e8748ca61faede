import DataPaths

/// The data-path executor `run` drives.
// INTEGRATOR: replace the body with `PipelineExecutor()` (temporary placeholder: the pipelines
// are being written in parallel; until then `run` says so and exits 1, fabricating nothing).
func makeExecutor() throws -> any PathExecutor {
    throw ExecutorNotWired()
}

struct ExecutorNotWired: Error, CustomStringConvertible {
    var description: String {
        "the data-path executor (PipelineExecutor) is not wired into this build yet; nothing was measured"
    }
}
