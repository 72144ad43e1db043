package groups_test

import (
	"fmt"
	"strconv"
	"sync"
)

func itoa(n int) string { return strconv.Itoa(n) }

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func fmtAny(a any) string { return fmt.Sprint(a) }

var appendMu sync.Mutex

func appendLocked(list *[]string, item string) {
	appendMu.Lock()
	defer appendMu.Unlock()
	*list = append(*list, item)
}
