package datasets

// Prepare sets up the workload's inputs in workDir, as Run does, for tools
// that start the JVM themselves (ShadowVM runs it under its agent) with
// JavaArgs.
func (p Program) Prepare(workDir string) error { return p.prepare(workDir) }
