// Package throttle slows password guessing: after too many failed sign-ins
// for one identifier, or from one client address, further attempts are
// refused for a while with a Retry-After. Counters live in Postgres
// (table login_throttles), so every instance behind a load balancer sees
// the same counts.
//
// Keys are hashed, and an identifier is counted whether or not an account
// has it, so the throttle never tells an attacker which identifiers exist.
// IPv6 clients are counted per /64, the block one subscriber usually gets.
//
// Neighbours: selfservice calls Check before and Fail/Succeed after a
// password check.
package throttle
