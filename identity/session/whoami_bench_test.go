package session_test

import (
	"context"
	"testing"
)

// BenchmarkWhoami measures the hot path in process: one query, the JSON
// assembled from the stored parts. Run: go test -bench Whoami -benchmem.
func BenchmarkWhoami(b *testing.B) {
	f := setupB(b)
	_, tok := f.issueB(b)
	ctx := context.Background()
	b.SetParallelism(8)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := f.m.Whoami(ctx, tok); err != nil {
				b.Fatal(err)
			}
		}
	})
}
