package groups_test

import "syscall"

var syscallZero = syscall.Signal(0)
