// Package buildinfo reports the version of the running binary: the value
// stamped at link time (-X .../buildinfo.version=v1.2.3) or, failing that,
// the module version and VCS revision Go recorded in the binary.
package buildinfo
