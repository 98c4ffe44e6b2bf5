package selfservice

import (
	"testing"
	"time"
)

func TestSendTimerPadsUnknownSendsToTheKnownAverage(t *testing.T) {
	var st sendTimer
	if st.wait(time.Millisecond) != 0 {
		t.Fatal("no known send yet: nothing to match")
	}
	st.observe(8 * time.Millisecond)
	if got := st.wait(3 * time.Millisecond); got != 5*time.Millisecond {
		t.Fatalf("wait = %v, want 5ms", got)
	}
	st.observe(16 * time.Millisecond) // average moves an eighth of the way
	if got := st.wait(0); got != 9*time.Millisecond {
		t.Fatalf("wait = %v, want 9ms", got)
	}
	if st.wait(time.Hour) != 0 {
		t.Fatal("a slow unknown send must not wait")
	}
	st.observe(time.Minute)
	if st.wait(0) > time.Second {
		t.Fatal("the wait is capped")
	}
}
