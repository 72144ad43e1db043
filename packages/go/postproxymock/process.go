package postproxymock

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// How long, after the program exited, to wait for the rest of its stderr.
const closeWait = 2 * time.Second

// How long a failed control call waits to learn whether the program has exited.
const exitWait = time.Second

// How long Close waits after closing stdin and SIGTERM before SIGKILL.
const stopGrace = 5 * time.Second

// readyReport is the one JSON line the program prints on stdout with --ready-json.
type readyReport struct {
	BaseURL    string `json:"base_url"`
	ControlURL string `json:"control_url"`
	ListenURL  string `json:"listen_url"`
	PID        int    `json:"pid"`
	Accounts   []struct {
		ID   string   `json:"id"`
		Keys []APIKey `json:"keys"`
	} `json:"accounts"`
}

// process is a running (or exited) postproxy-mock: its stdin (the lifeline), its exit and its
// last stderr lines.
type process struct {
	cmd   *exec.Cmd
	stdin *os.File // closing it makes the program exit (--exit-on-stdin-close)

	mu      sync.Mutex
	lines   []string
	partial string
	stopped bool

	exited     chan struct{} // closed once Wait returned
	stderrDone chan struct{} // closed once stderr reached its end
	state      *os.ProcessState
}

func startProcess(program string, args []string, env []string, timeout time.Duration) (*process, *readyReport, error) {
	stdinR, stdinW, err := os.Pipe()
	if err != nil {
		return nil, nil, err
	}
	stdoutR, stdoutW, err := os.Pipe()
	if err != nil {
		stdinR.Close()
		stdinW.Close()
		return nil, nil, err
	}
	stderrR, stderrW, err := os.Pipe()
	if err != nil {
		for _, f := range []*os.File{stdinR, stdinW, stdoutR, stdoutW} {
			f.Close()
		}
		return nil, nil, err
	}
	cmd := exec.Command(program, args...)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdinR, stdoutW, stderrW
	err = cmd.Start()
	// The child has its ends now; ours are the other ones.
	stdinR.Close()
	stdoutW.Close()
	stderrW.Close()
	if err != nil {
		stdinW.Close()
		stdoutR.Close()
		stderrR.Close()
		return nil, nil, &ProgramError{Code: ProgramNotExecutable, Path: program, Message: fmt.Sprintf("cannot run the postproxy-mock program %s: %v", program, err)}
	}
	p := &process{cmd: cmd, stdin: stdinW, exited: make(chan struct{}), stderrDone: make(chan struct{})}
	go p.drainStderr(stderrR)
	go func() {
		cmd.Wait()
		p.mu.Lock()
		p.state = cmd.ProcessState
		p.mu.Unlock()
		close(p.exited)
	}()

	type lineOrErr struct {
		line string
		err  error
	}
	first := make(chan lineOrErr, 1)
	go func() {
		r := bufio.NewReader(stdoutR)
		line, err := r.ReadString('\n')
		first <- lineOrErr{line, err}
		// Nothing else should come; whatever does is read and dropped, so it never blocks.
		io.Copy(io.Discard, r)
		stdoutR.Close()
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	var got lineOrErr
	select {
	case got = <-first:
	case <-timer.C:
		p.kill()
		return nil, nil, &StartError{Reason: fmt.Sprintf("postproxy-mock (pid %d) did not say it was ready within %s, so it was killed", cmd.Process.Pid, timeout), Stderr: p.stderr()}
	}
	if got.err != nil && got.line == "" {
		// Its stdout closed without a line: it exited (or is exiting).
		select {
		case <-p.exited:
		case <-time.After(stopGrace):
			p.kill()
		}
		return nil, nil, &StartError{Err: p.exitedError("before it was ready")}
	}
	var ready readyReport
	if err := json.Unmarshal([]byte(got.line), &ready); err != nil || ready.BaseURL == "" {
		p.kill()
		return nil, nil, &StartError{Reason: fmt.Sprintf("%s printed %q instead of its ready line; is it the postproxy-mock program?", program, strings.TrimRight(got.line, "\n")), Stderr: p.stderr()}
	}
	return p, &ready, nil
}

func (p *process) drainStderr(r *os.File) {
	defer close(p.stderrDone)
	defer r.Close()
	buf := make([]byte, 32*1024)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			p.addStderr(string(buf[:n]))
		}
		if err != nil {
			p.mu.Lock()
			if p.partial != "" {
				p.pushLine(p.partial)
				p.partial = ""
			}
			p.mu.Unlock()
			return
		}
	}
}

func (p *process) addStderr(chunk string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	parts := strings.Split(p.partial+chunk, "\n")
	p.partial = parts[len(parts)-1]
	for _, l := range parts[:len(parts)-1] {
		p.pushLine(strings.TrimSuffix(l, "\r"))
	}
}

// pushLine keeps the last stderrLines lines; p.mu is held.
func (p *process) pushLine(l string) {
	p.lines = append(p.lines, l)
	if len(p.lines) > stderrLines {
		p.lines = append(p.lines[:0], p.lines[len(p.lines)-stderrLines:]...)
	}
}

func (p *process) stderr() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := append([]string(nil), p.lines...)
	if p.partial != "" {
		out = append(out, p.partial)
	}
	if len(out) > stderrLines {
		out = out[len(out)-stderrLines:]
	}
	return out
}

// hasExited reports whether the process has exited, waiting up to wait for a dying one.
func (p *process) hasExited(wait time.Duration) bool {
	if wait <= 0 {
		select {
		case <-p.exited:
			return true
		default:
			return false
		}
	}
	select {
	case <-p.exited:
		return true
	case <-time.After(wait):
		return false
	}
}

// exitedError describes the exit of a process that has exited; what says what it did not do.
func (p *process) exitedError(what string) *ExitedError {
	<-p.exited
	select {
	case <-p.stderrDone:
	case <-time.After(closeWait):
	}
	p.mu.Lock()
	state, stopped := p.state, p.stopped
	p.mu.Unlock()
	e := &ExitedError{PID: p.cmd.Process.Pid, ExitCode: state.ExitCode(), Stopped: stopped, Stderr: p.stderr(), what: what}
	if ws, ok := state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		e.Signal = ws.Signal()
	}
	return e
}

func (p *process) kill() {
	p.cmd.Process.Kill()
	<-p.exited
	p.stdin.Close()
}

// stop closes the program's stdin (it exits), sends SIGTERM, and SIGKILL after stopGrace.
func (p *process) stop() {
	p.mu.Lock()
	if !p.hasExited(0) {
		p.stopped = true
	}
	p.mu.Unlock()
	p.stdin.Close()
	if !p.hasExited(0) {
		if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			p.cmd.Process.Kill()
		}
	}
	select {
	case <-p.exited:
	case <-time.After(stopGrace):
		p.cmd.Process.Kill()
		<-p.exited
	}
}
