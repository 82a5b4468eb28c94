package cli

// DefaultPipeline is the pipeline the TUI's and the REPL's stepper start
// with, the same in both: the DVM's basic-block profiler, whose probes
// show what a rewrite does to code.
const DefaultPipeline = "coverage"
