// Package archtest holds tests of the tree's shape: every package has a
// doc.go, and dependencies point the way DESIGN.md says (identity knows no
// other head, ui touches neither pgx nor fosite, proxy knows no head, only
// cmd/cerberus imports everything). It has no code of its own.
package archtest
