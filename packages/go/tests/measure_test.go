package groups_test

// Start-up figures (printed, not asserted): test-installed.sh runs this with
// POSTPROXY_MOCK_MEASURE=1, without the race detector.

import (
	"fmt"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/postproxy/postproxy-rs/packages/go/postproxymock"
)

func median(xs []time.Duration) time.Duration {
	sort.Slice(xs, func(i, j int) bool { return xs[i] < xs[j] })
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func TestMeasure(t *testing.T) {
	if os.Getenv("POSTPROXY_MOCK_MEASURE") != "1" {
		t.Skip("set POSTPROXY_MOCK_MEASURE=1")
	}
	postproxymock.ProgramPath() // unpacked once, as the first test of a run does
	var starts []time.Duration
	for i := 0; i < 20; i++ {
		began := time.Now()
		mock, err := postproxymock.New()
		starts = append(starts, time.Since(began))
		ok(t, err)
		mock.Close()
	}
	mock := must[*postproxymock.Server](t)(postproxymock.New())
	defer mock.Close()
	var copies, empties []time.Duration
	for i := 0; i < 100; i++ {
		began := time.Now()
		must[*postproxymock.Account](t)(mock.CreateAccount(nil))
		copies = append(copies, time.Since(began))
		began = time.Now()
		must[*postproxymock.Account](t)(mock.CreateAccount(postproxymock.AccountFixture{}))
		empties = append(empties, time.Since(began))
	}
	fmt.Printf("postproxymock.New(): median %s of 20 (target ≤ 150 ms)\n", ms(median(starts)))
	fmt.Printf("NewAccount (a copy of the demo data): median %s of 100 (target ≤ 5 ms)\n", ms(median(copies)))
	fmt.Printf("NewAccountFrom(AccountFixture{}) (empty): median %s of 100\n", ms(median(empties)))
}
