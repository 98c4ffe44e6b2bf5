// Package testbin runs the real cerberus binary for end-to-end tests: it
// builds ./cmd/cerberus once per test process, starts it with a config on
// free loopback ports against a pgtest database, waits until it is ready,
// and stops it with SIGTERM when the test ends. The process's output goes to
// the test log, and to CERBERUS_TEST_ARTIFACTS/<test>/cerberus.log when that
// is set.
package testbin
