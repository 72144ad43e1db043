package postproxymock

import (
	"fmt"
	"os"
	"strings"
)

// ControlError is the control API refusing a call (a 4xx or 5xx answer): the status and the
// server's own message, e.g. 422 "Invalid account at profile_groups[0].name: must not be
// blank". Get it with errors.As.
type ControlError struct {
	Method  string // "POST"
	Path    string // "/__mock/accounts"
	Status  int    // 422
	Message string // the "error" of the server's JSON body
	Body    []byte // the whole body
}

func (e *ControlError) Error() string {
	return fmt.Sprintf("postproxymock: control API answered %d to %s %s: %s", e.Status, e.Method, e.Path, e.Message)
}

// ExitedError says the program has exited (killed, crashed, or stopped with Close): how it
// ended and the last lines it wrote to stderr. A control call to a server that has exited
// returns one; so does Start when the program exits before it is ready (inside a StartError).
type ExitedError struct {
	PID      int
	ExitCode int       // -1 when a signal ended it
	Signal   os.Signal // the signal that ended it (syscall.SIGKILL...); nil when it exited on its own
	Stopped  bool      // Close was called
	Stderr   []string  // its last stderr lines (at most 50)
	what     string    // what it did not get to do, e.g. "before it was ready"
}

func (e *ExitedError) Error() string {
	how := fmt.Sprintf("exited with code %d", e.ExitCode)
	switch {
	case e.Stopped:
		how = "was stopped (Close was called)"
	case e.Signal != nil:
		how = fmt.Sprintf("was killed by signal %d (%s)", e.Signal, e.Signal)
	}
	if e.what != "" {
		how += " " + e.what
	}
	return fmt.Sprintf("postproxymock: postproxy-mock (pid %d) %s.\n%s", e.PID, how, stderrText(e.Stderr))
}

// StartError is a server that did not start: it exited first (Unwrap gives the ExitedError,
// whose Stderr names an invalid fixture's field), said something other than its ready line,
// or was not ready within the start timeout.
type StartError struct {
	Reason string
	Stderr []string
	Err    error
}

func (e *StartError) Error() string {
	if e.Err != nil {
		return "postproxymock: the server did not start: " + strings.TrimPrefix(e.Err.Error(), "postproxymock: ")
	}
	return fmt.Sprintf("postproxymock: the server did not start: %s.\n%s", e.Reason, stderrText(e.Stderr))
}

func (e *StartError) Unwrap() error { return e.Err }

// ProgramErrorCode says why the postproxy-mock program cannot be run.
type ProgramErrorCode string

const (
	// ProgramMissing: the file named by POSTPROXY_MOCK_BIN or WithProgram does not exist.
	ProgramMissing ProgramErrorCode = "missing"
	// ProgramNotExecutable: the file exists but is not executable.
	ProgramNotExecutable ProgramErrorCode = "not-executable"
	// UnsupportedPlatform: no program is embedded for this GOOS/GOARCH.
	UnsupportedPlatform ProgramErrorCode = "unsupported-platform"
	// ProgramUnpack: the embedded program could not be written out, or is not the one built.
	ProgramUnpack ProgramErrorCode = "unpack"
)

// ProgramError is the postproxy-mock program not being there to run: Code says why, Path
// names the file when there is one.
type ProgramError struct {
	Code    ProgramErrorCode
	Path    string
	Message string
}

func (e *ProgramError) Error() string { return "postproxymock: " + e.Message }

const stderrLines = 50

func stderrText(lines []string) string {
	if len(lines) == 0 {
		return "(it wrote nothing to stderr)"
	}
	var b strings.Builder
	b.WriteString("Last lines of its stderr:")
	for _, l := range lines {
		b.WriteString("\n  ")
		b.WriteString(l)
	}
	return b.String()
}
