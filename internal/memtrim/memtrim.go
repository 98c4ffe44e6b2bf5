package memtrim

import "runtime/debug"

// Stats describe what Release did, for a log line.
type Stats struct {
	// BinaryBytes is the size of the binary mappings advised (0 where the
	// platform has no page-out).
	BinaryBytes uint64
}

// Release returns the heap's free memory and the binary's start-up pages to
// the operating system. Call it once, after start-up and before serving.
func Release() Stats {
	debug.FreeOSMemory()
	return Stats{BinaryBytes: pageOutBinary()}
}
