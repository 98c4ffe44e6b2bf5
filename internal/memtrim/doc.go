// Package memtrim hands start-up-only memory back to the operating system
// once a process is ready to serve: the heap garbage that configuration
// loading, schema compilation and key generation leave behind, and, on
// Linux, the pages of the binary's code and read-only data that package
// initialisation touched once and serving never touches again.
//
// The second part matters because a Go binary's file-backed pages count in
// its resident set: initialisation of a few hundred packages faults in
// most of a 30 MB binary (the kernel maps neighbouring pages on every
// fault), although serving uses a small part of it. MADV_PAGEOUT asks the
// kernel to reclaim those clean pages; whatever the serving path needs is
// read back on first use. Nothing is lost: the pages are clean copies of
// the executable.
package memtrim
