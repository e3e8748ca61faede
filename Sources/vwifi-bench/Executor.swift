import DataPaths

/// The data-path executor `run` drives: the real threaded pipelines.
func makeExecutor() -> any PathExecutor {
    PipelineExecutor()
}
