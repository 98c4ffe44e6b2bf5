// Package identitytest builds identity services for tests of the identity
// head and of the heads that use it: the seed-000 identity schema, a schema
// registry, a cheap hasher, and a Service on a pgtest database.
package identitytest
