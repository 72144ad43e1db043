package postproxymock

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Option configures a server (Start, New).
type Option func(*config) error

type config struct {
	program      string
	fixtureFile  string
	fixtureData  []byte
	seed         *uint64
	env          map[string]string
	logLevel     string
	startTimeout time.Duration
}

// WithFixtureFile starts the server with the accounts of a fixture file (JSON, or YAML ending
// in .yaml) instead of the demo data.
func WithFixtureFile(path string) Option {
	return func(c *config) error {
		abs, err := filepath.Abs(path)
		if err != nil {
			return err
		}
		c.fixtureFile, c.fixtureData = abs, nil
		return nil
	}
}

// WithFixtures starts the server with fixtures given as a Go value: a Fixtures, a map, or
// JSON ([]byte, json.RawMessage). It is written to a temporary file for the program.
func WithFixtures(fixtures any) Option {
	return func(c *config) error {
		var data []byte
		switch v := fixtures.(type) {
		case json.RawMessage:
			data = v
		case []byte:
			data = v
		default:
			var err error
			if data, err = json.Marshal(fixtures); err != nil {
				return fmt.Errorf("postproxymock: WithFixtures: %w", err)
			}
		}
		c.fixtureData, c.fixtureFile = data, ""
		return nil
	}
}

// WithSeed sets the seed of the ids, keys and stats the server generates, for stable values.
func WithSeed(seed uint64) Option {
	return func(c *config) error { c.seed = &seed; return nil }
}

// WithProgram runs this postproxy-mock program instead of $POSTPROXY_MOCK_BIN or the embedded one.
func WithProgram(path string) Option {
	return func(c *config) error { c.program = path; return nil }
}

// WithEnv sets an environment variable of the program (over the test process's own), e.g.
// one of its POSTPROXY_MOCK_* settings (postproxy-mock --help).
func WithEnv(name, value string) Option {
	return func(c *config) error {
		if c.env == nil {
			c.env = map[string]string{}
		}
		c.env[name] = value
		return nil
	}
}

// WithLogLevel sets the program's log level (default "warn"); its stderr comes with errors.
func WithLogLevel(level string) Option {
	return func(c *config) error { c.logLevel = level; return nil }
}

// WithStartTimeout is how long to wait for the program to be ready (default 10 s).
func WithStartTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("postproxymock: WithStartTimeout: %s is not positive", d)
		}
		c.startTimeout = d
		return nil
	}
}

// Server is a running postproxy-mock.
type Server struct {
	// BaseURL is what clients use, e.g. http://127.0.0.1:41234 (the SDKs' base URL).
	BaseURL string
	// ControlURL is the control API's base URL (BaseURL + "/__mock").
	ControlURL string
	// FullAccessKey is the first account's full-access key
	// (pp_demo_full_0123456789abcdef on the demo data); empty if it has none.
	FullAccessKey string
	// ScopedKey is the first account's first group-scoped key
	// (pp_demo_scoped_0123456789abcdef, scoped to grp456def, on the demo data); empty if none.
	ScopedKey string
	// Accounts are the accounts the server started with.
	Accounts []*Account
	// PID is the program's process id.
	PID int
	// Control is the control API: every operation of /__mock/.
	Control *Control

	proc     *process
	template json.RawMessage // what NewAccount copies
	closeMu  sync.Mutex
	closed   bool
}

// Account is an account of the server: what its keys see is isolated from every other account.
type Account struct {
	ID string
	// FullAccessKey reaches every group of the account; empty if it has none.
	FullAccessKey string
	// ScopedKey is the first group-scoped key; empty if none. ScopedKeys has one per group.
	ScopedKey  string
	ScopedKeys map[string]string
	Keys       []APIKey
	// Control is the control API bound to this account.
	Control *AccountControl
}

func newAccount(c *Control, id string, keys []APIKey) *Account {
	a := &Account{ID: id, Keys: keys, ScopedKeys: map[string]string{}, Control: &AccountControl{c: c, ID: id}}
	for _, k := range keys {
		if k.ProfileGroupID == nil {
			if a.FullAccessKey == "" {
				a.FullAccessKey = k.Key
			}
		} else if _, seen := a.ScopedKeys[*k.ProfileGroupID]; !seen {
			a.ScopedKeys[*k.ProfileGroupID] = k.Key
			if a.ScopedKey == "" {
				a.ScopedKey = k.Key
			}
		}
	}
	return a
}

// Delete removes the account; its keys stop working.
func (a *Account) Delete() error { return a.Control.DeleteAccount() }

// New starts a server of your own: stop it with Close (a TestMain, or a test that kills or
// resets the whole server). It is ready when New returns. The program also exits when this
// process does, however it ends (it is started with --exit-on-stdin-close).
func New(opts ...Option) (*Server, error) {
	cfg := config{logLevel: "warn", startTimeout: 10 * time.Second}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	return start(cfg)
}

func start(cfg config) (*Server, error) {
	program := cfg.program
	if program != "" {
		if err := checkExecutable(program, "Pass WithProgram the path of the postproxy-mock program, or leave it out to use the embedded one."); err != nil {
			return nil, err
		}
	} else {
		var err error
		if program, err = ProgramPath(); err != nil {
			return nil, err
		}
	}
	args := []string{"--port", "0", "--ready-json", "--exit-on-stdin-close", "--log-level", cfg.logLevel}
	fixtures := cfg.fixtureFile
	if cfg.fixtureData != nil {
		f, err := os.CreateTemp("", "postproxy-mock-fixtures-*.json")
		if err != nil {
			return nil, err
		}
		// The server reads it at start only (a reset goes back to what it read).
		defer os.Remove(f.Name())
		_, err = f.Write(cfg.fixtureData)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
		fixtures = f.Name()
	}
	if fixtures != "" {
		args = append(args, "--fixtures", fixtures)
	}
	if cfg.seed != nil {
		args = append(args, "--seed", strconv.FormatUint(*cfg.seed, 10))
	}
	env := os.Environ()
	for k, v := range cfg.env {
		env = append(env, k+"="+v)
	}
	proc, ready, err := startProcess(program, args, env, cfg.startTimeout)
	if err != nil {
		return nil, err
	}
	listen := ready.ListenURL
	if listen == "" {
		listen = ready.BaseURL
	}
	s := &Server{
		BaseURL:    strings.TrimRight(ready.BaseURL, "/"),
		ControlURL: ready.ControlURL,
		PID:        ready.PID,
		proc:       proc,
		// Control calls go to the bound address: a public URL (POSTPROXY_MOCK_PUBLIC_URL)
		// need not be reachable from here.
		Control: newControl(listen, proc),
	}
	for _, a := range ready.Accounts {
		s.Accounts = append(s.Accounts, newAccount(s.Control, a.ID, a.Keys))
	}
	if len(s.Accounts) > 0 {
		first := s.Accounts[0]
		s.FullAccessKey, s.ScopedKey = first.FullAccessKey, first.ScopedKey
		// What NewAccount copies: the first account as the server started, with its keys'
		// scopes but new keys (keys are unique server-wide).
		var fixture map[string]any
		if err := s.Control.Do("GET", acct(first.ID, "/fixture"), nil, &fixture); err != nil {
			proc.stop()
			return nil, err
		}
		delete(fixture, "id")
		keys := []map[string]string{}
		for _, k := range first.Keys {
			if k.ProfileGroupID == nil {
				keys = append(keys, map[string]string{})
			} else {
				keys = append(keys, map[string]string{"profile_group_id": *k.ProfileGroupID})
			}
		}
		fixture["api_keys"] = keys
		if s.template, err = json.Marshal(fixture); err != nil {
			proc.stop()
			return nil, err
		}
	}
	return s, nil
}

// Close stops the server: closes its stdin, SIGTERM, and SIGKILL after 5 s. Safe to call twice.
func (s *Server) Close() error {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if !s.closed {
		s.closed = true
		s.proc.stop()
	}
	return nil
}

// Exited is nil while the program runs, and an *ExitedError once it has exited.
func (s *Server) Exited() error {
	if !s.proc.hasExited(0) {
		return nil
	}
	return s.proc.exitedError("")
}

// Stderr is the last lines (at most 50) the program wrote to stderr.
func (s *Server) Stderr() []string { return s.proc.stderr() }

// CreateAccount creates an isolated account: with fixture nil, a copy of the server's first
// account as it started (the demo data by default: four groups, fifteen profiles) with keys of
// its own; otherwise from fixture (an AccountFixture, a map or JSON; an empty
// AccountFixture{} makes an empty account with one full-access key).
func (s *Server) CreateAccount(fixture any) (*Account, error) {
	if fixture == nil {
		if s.template == nil {
			return nil, errors.New("postproxymock: the server started with no accounts: give CreateAccount a fixture")
		}
		fixture = s.template
	}
	info, err := s.Control.CreateAccount(fixture)
	if err != nil {
		return nil, err
	}
	return newAccount(s.Control, info.ID, info.APIKeys), nil
}

// NewAccount is a fresh account for one test, a copy of the server's first account as it
// started (see CreateAccount), deleted when the test ends. Tests with their own accounts never
// see each other's changes, so they can run in parallel on one server.
func (s *Server) NewAccount(t testing.TB) *Account {
	t.Helper()
	return s.NewAccountFrom(t, nil)
}

// NewAccountFrom is NewAccount from a fixture of the test's (see CreateAccount).
func (s *Server) NewAccountFrom(t testing.TB, fixture any) *Account {
	t.Helper()
	a, err := s.CreateAccount(fixture)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Already deleted by the test, or the server is gone: the next use says so.
		a.Delete()
	})
	return a
}

var (
	sharedMu sync.Mutex
	shared   = map[string]*sharedServer{}
)

type sharedServer struct {
	mu     sync.Mutex
	server *Server
}

// Start is the test binary's server for these options, started by the first test that asks
// and shared by every test after it (parallel ones too): give each test its own account with
// NewAccount. It runs until the test binary exits (it is started with --exit-on-stdin-close),
// so it needs no cleanup. If it cannot start, the test fails with the reason (a *ProgramError,
// or a *StartError naming an invalid fixture's field). Start with other options is another
// server.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	cfg := config{logLevel: "warn", startTimeout: 10 * time.Second}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			t.Fatal(err)
		}
	}
	key := cfg.key()
	sharedMu.Lock()
	entry := shared[key]
	if entry == nil {
		entry = &sharedServer{}
		shared[key] = entry
	}
	sharedMu.Unlock()
	entry.mu.Lock()
	defer entry.mu.Unlock()
	if entry.server == nil {
		// A failure is not kept: the next test tries again and says why.
		server, err := start(cfg)
		if err != nil {
			t.Fatal(err)
		}
		entry.server = server
	}
	return entry.server
}

// key tells servers of different options (and programs) apart.
func (c config) key() string {
	var env []string
	for k, v := range c.env {
		env = append(env, k+"="+v)
	}
	sort.Strings(env)
	seed := "-"
	if c.seed != nil {
		seed = strconv.FormatUint(*c.seed, 10)
	}
	parts, _ := json.Marshal([]any{c.program, os.Getenv(ProgramEnv), c.fixtureFile, string(c.fixtureData), seed, env, c.logLevel})
	return string(parts)
}
