package groups_test

// Start and New: the demo data, options, and every way starting or running can go wrong.

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/postproxy/postproxy-rs/packages/go/postproxymock"
)

func TestStartServesTheDemoDataAndIsShared(t *testing.T) {
	t.Parallel()
	mock := postproxymock.Start(t)
	if !strings.HasPrefix(mock.BaseURL, "http://127.0.0.1:") {
		t.Fatal(mock.BaseURL)
	}
	equal(t, mock.ControlURL, mock.BaseURL+"/__mock")
	equal(t, mock.FullAccessKey, "pp_demo_full_0123456789abcdef")
	equal(t, mock.ScopedKey, "pp_demo_scoped_0123456789abcdef")
	equal(t, len(mock.Accounts), 1)
	equal(t, mock.Accounts[0].ID, "acct_demo")
	equal(t, mock.Accounts[0].ScopedKeys["grp456def"], mock.ScopedKey)
	equal(t, mock.Accounts[0].Control.ID, "acct_demo")
	equal(t, alive(mock.PID), true)
	equal(t, strings.Join(groupIDs(t, mock, mock.FullAccessKey), ","), "grp456xyz,grp123abc,grp456def,grp789ghi")
	equal(t, strings.Join(groupIDs(t, mock, mock.ScopedKey), ","), "grp456def")
	// The same options: the same server; other options: another one.
	equal(t, postproxymock.Start(t), mock)
	other := postproxymock.Start(t, postproxymock.WithSeed(3))
	if other == mock || other.BaseURL == mock.BaseURL {
		t.Fatal("WithSeed(3) shares the default server")
	}
	equal(t, postproxymock.Start(t, postproxymock.WithSeed(3)), other)
}

func TestFixturesAsAGoValueAndAFileAndTheSeed(t *testing.T) {
	t.Parallel()
	mock := must[*postproxymock.Server](t)(postproxymock.New(postproxymock.WithFixtures(smallFixtures(""))))
	t.Cleanup(func() { mock.Close() })
	equal(t, mock.FullAccessKey, "pp_small_full")
	equal(t, mock.ScopedKey, "pp_small_scoped")
	equal(t, strings.Join(groupIDs(t, mock, mock.ScopedKey), ","), "grp_small")
	// The temporary fixture file is gone once the server is ready.
	args, _ := os.ReadFile("/proc/" + itoa(mock.PID) + "/cmdline")
	parts := strings.Split(string(args), "\x00")
	for i, a := range parts {
		if a == "--fixtures" {
			if _, err := os.Stat(parts[i+1]); !os.IsNotExist(err) {
				t.Fatalf("%s is still there", parts[i+1])
			}
		}
	}

	file := writeFile(t, "mine.json", `{"accounts": [{"id": "acct_file", "api_keys": [{}, {"profile_group_id": "g1"}],
		"profile_groups": [{"id": "g1", "name": "One"}]}]}`, 0o644)
	generated := func(seed uint64) (string, string) {
		m := must[*postproxymock.Server](t)(postproxymock.New(postproxymock.WithFixtureFile(file), postproxymock.WithSeed(seed)))
		defer m.Close()
		equal(t, m.Accounts[0].ID, "acct_file")
		a := must[*postproxymock.Account](t)(m.CreateAccount(nil))
		return m.FullAccessKey, a.ID
	}
	key, id := generated(42)
	if !strings.HasPrefix(key, "pp_test_") {
		t.Fatal(key)
	}
	key2, id2 := generated(42)
	equal(t, key2, key)
	equal(t, id2, id)
	key3, id3 := generated(43)
	if key3 == key || id3 == id {
		t.Fatal("another seed drew the same key or id")
	}
	if _, err := os.Stat(file); err != nil {
		t.Fatal("the user's fixture file was removed")
	}
}

func TestWithEnvReachesTheProgram(t *testing.T) {
	t.Parallel()
	mock := must[*postproxymock.Server](t)(postproxymock.New(postproxymock.WithEnv("POSTPROXY_MOCK_PUBLIC_URL", "http://mock.example:1234")))
	defer mock.Close()
	equal(t, mock.BaseURL, "http://mock.example:1234")
	equal(t, mock.ControlURL, "http://mock.example:1234/__mock")
	// The package reaches the server at its bound address.
	equal(t, must[[]postproxymock.AccountInfo](t)(mock.Control.Accounts())[0].ID, "acct_demo")
}

func TestAnInvalidFixtureNamesTheFieldPath(t *testing.T) {
	t.Parallel()
	broken := map[string]any{"accounts": []any{map[string]any{"profile_groups": []any{map[string]any{
		"id": "g", "name": "G", "profiles": []any{map[string]any{"id": "p", "name": "P", "platform": "myspace", "status": "active"}},
	}}}}}
	_, err := postproxymock.New(postproxymock.WithFixtures(broken))
	var start *postproxymock.StartError
	if !errors.As(err, &start) {
		t.Fatalf("%T %v", err, err)
	}
	var exited *postproxymock.ExitedError
	if !errors.As(err, &exited) {
		t.Fatalf("%T %v", err, err)
	}
	equal(t, exited.ExitCode, 1)
	equal(t, exited.Signal, nil)
	contains(t, err.Error(), "exited with code 1 before it was ready")
	contains(t, err.Error(), "at accounts[0].profile_groups[0].profiles[0].platform: unknown variant `myspace`")
	contains(t, strings.Join(exited.Stderr, "\n"), "accounts[0].profile_groups[0].profiles[0].platform")

	_, err = postproxymock.New(postproxymock.WithFixtureFile("/nonexistent/fixtures.json"))
	contains(t, err.Error(), "cannot read fixtures file /nonexistent/fixtures.json: No such file or directory")
}

func TestTheProgramMissingOrNotExecutable(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-program")
	t.Setenv("POSTPROXY_MOCK_BIN", missing)
	_, err := postproxymock.New()
	var perr *postproxymock.ProgramError
	if !errors.As(err, &perr) {
		t.Fatalf("%T %v", err, err)
	}
	equal(t, perr.Code, postproxymock.ProgramMissing)
	equal(t, perr.Path, missing)
	contains(t, err.Error(), "the postproxy-mock program is missing: "+missing+" does not exist")
	contains(t, err.Error(), "Point POSTPROXY_MOCK_BIN at the postproxy-mock program")

	notExecutable := writeFile(t, "postproxy-mock", "#!/bin/sh\nexit 0\n", 0o644)
	t.Setenv("POSTPROXY_MOCK_BIN", notExecutable)
	_, err = postproxymock.New()
	if !errors.As(err, &perr) || perr.Code != postproxymock.ProgramNotExecutable {
		t.Fatalf("%T %v", err, err)
	}
	contains(t, err.Error(), "the postproxy-mock program at "+notExecutable+" is not executable (mode 644)")

	t.Setenv("POSTPROXY_MOCK_BIN", "")
	_, err = postproxymock.New(postproxymock.WithProgram(missing))
	if !errors.As(err, &perr) || perr.Code != postproxymock.ProgramMissing {
		t.Fatalf("%T %v", err, err)
	}
	contains(t, err.Error(), "Pass WithProgram the path")

	// Start fails the test with the same error.
	t.Setenv("POSTPROXY_MOCK_BIN", missing)
	inner := &recorder{TB: t}
	func() {
		defer func() { recover() }()
		postproxymock.Start(inner)
	}()
	contains(t, inner.fatal, "the postproxy-mock program is missing")
}

// recorder is a testing.TB whose Fatal records the message and stops the goroutine's call.
type recorder struct {
	testing.TB
	fatal string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatal(args ...any) {
	for _, a := range args {
		r.fatal += fmtAny(a)
	}
	panic("fatal")
}

func TestTheEmbeddedProgramIsUnpackedOnceCheckedAndRepaired(t *testing.T) {
	if os.Getenv("POSTPROXY_MOCK_BIN") != "" {
		t.Skip("POSTPROXY_MOCK_BIN is set")
	}
	cache := t.TempDir()
	t.Setenv("POSTPROXY_MOCK_CACHE_DIR", cache)
	path := must[string](t)(postproxymock.ProgramPath())
	equal(t, filepath.Dir(filepath.Dir(path)), cache)
	if !strings.HasPrefix(filepath.Base(filepath.Dir(path)), postproxymock.Version+"-") {
		t.Fatal(path)
	}
	info := must[os.FileInfo](t)(os.Stat(path))
	equal(t, info.Mode().Perm(), os.FileMode(0o755))
	sum := fileSum(t, path)
	// Once unpacked, the same file.
	equal(t, must[string](t)(postproxymock.ProgramPath()), path)
	again := must[os.FileInfo](t)(os.Stat(path))
	equal(t, again.ModTime(), info.ModTime())

	// Not executable, or not the program built: written again.
	ok(t, os.Chmod(path, 0o644))
	equal(t, must[string](t)(postproxymock.ProgramPath()), path)
	equal(t, must[os.FileInfo](t)(os.Stat(path)).Mode().Perm(), os.FileMode(0o755))
	ok(t, os.WriteFile(path, []byte("#!/bin/sh\necho tampered\n"), 0o755))
	equal(t, must[string](t)(postproxymock.ProgramPath()), path)
	equal(t, fileSum(t, path), sum)
	data := must[[]byte](t)(os.ReadFile(path))
	data[len(data)/2] ^= 0xff // the same size, another hash
	ok(t, os.WriteFile(path, data, 0o755))
	ok(t, os.Chtimes(path, time.Now(), time.Now().Add(time.Minute)))
	equal(t, must[string](t)(postproxymock.ProgramPath()), path)
	equal(t, fileSum(t, path), sum)

	// A cache folder that cannot be written says where and what to do.
	blocked := writeFile(t, "a-file", "", 0o644)
	t.Setenv("POSTPROXY_MOCK_CACHE_DIR", blocked)
	_, err := postproxymock.ProgramPath()
	var perr *postproxymock.ProgramError
	if !errors.As(err, &perr) || perr.Code != postproxymock.ProgramUnpack {
		t.Fatalf("%T %v", err, err)
	}
	contains(t, err.Error(), "set POSTPROXY_MOCK_CACHE_DIR to a writable folder")
	// And a server starts from the unpacked program.
	t.Setenv("POSTPROXY_MOCK_CACHE_DIR", cache)
	mock := must[*postproxymock.Server](t)(postproxymock.New())
	defer mock.Close()
	exe, _ := os.Readlink("/proc/" + itoa(mock.PID) + "/exe")
	equal(t, exe, path)
}

func fileSum(t *testing.T, path string) string {
	data := must[[]byte](t)(os.ReadFile(path))
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func TestAnUnsupportedPlatformIsNamed(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("builds a linux/386 program, which runs on linux/amd64")
	}
	// A program of this module for linux/386, where no program is embedded.
	dir := t.TempDir()
	ok(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(`package main

import (
	"fmt"

	"github.com/postproxy/postproxy-rs/packages/go/postproxymock"
)

func main() {
	_, err := postproxymock.ProgramPath()
	fmt.Println(err)
	_, err = postproxymock.New()
	fmt.Println(err)
}
`), 0o644))
	wd := must[string](t)(os.Getwd())
	exe := filepath.Join(dir, "probe")
	build := exec.Command("go", "build", "-o", exe, "./"+mustRel(t, wd, dir))
	build.Env = append(os.Environ(), "GOOS=linux", "GOARCH=386", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	run := exec.Command(exe)
	run.Env = append(os.Environ(), "POSTPROXY_MOCK_BIN=")
	out, err := run.CombinedOutput()
	if err != nil {
		t.Skipf("cannot run a linux/386 program here: %v %s", err, out)
	}
	want := "postproxymock: postproxymock has no postproxy-mock program for this platform (GOOS linux, GOARCH 386). Supported: linux/amd64. " +
		"Elsewhere, build it (cargo build -p postproxy-mock) and set POSTPROXY_MOCK_BIN to its path."
	equal(t, string(out), want+"\n"+want+"\n")
	// And the other platforms the table is ready for compile.
	for _, target := range [][2]string{{"darwin", "arm64"}, {"darwin", "amd64"}, {"linux", "arm64"}, {"windows", "amd64"}} {
		build := exec.Command("go", "build", "-o", os.DevNull, "./"+mustRel(t, wd, dir))
		build.Env = append(os.Environ(), "GOOS="+target[0], "GOARCH="+target[1], "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build for %s/%s: %v\n%s", target[0], target[1], err, out)
		}
	}
}

func mustRel(t *testing.T, base, target string) string {
	t.Helper()
	// go build needs the package inside this module: copy it under the module's folder.
	local := filepath.Join(base, "probe_"+filepath.Base(target))
	ok(t, os.MkdirAll(local, 0o755))
	t.Cleanup(func() { os.RemoveAll(local) })
	data := must[[]byte](t)(os.ReadFile(filepath.Join(target, "main.go")))
	ok(t, os.WriteFile(filepath.Join(local, "main.go"), data, 0o644))
	return filepath.Base(local)
}

func TestTheServerKilledUnderATest(t *testing.T) {
	t.Parallel()
	mock := must[*postproxymock.Server](t)(postproxymock.New())
	defer mock.Close()
	account := must[*postproxymock.Account](t)(mock.CreateAccount(nil))
	equal(t, mock.Exited(), nil)
	ok(t, syscall.Kill(mock.PID, syscall.SIGKILL))
	_, err := account.Control.Faults()
	var exited *postproxymock.ExitedError
	if !errors.As(err, &exited) {
		t.Fatalf("%T %v", err, err)
	}
	equal(t, exited.Signal, os.Signal(syscall.SIGKILL))
	equal(t, exited.ExitCode, -1)
	equal(t, exited.PID, mock.PID)
	contains(t, err.Error(), "was killed by signal 9 (killed)")
	// Its last stderr lines (its start-up summary) come with the error.
	contains(t, err.Error(), "Last lines of its stderr:\n")
	contains(t, err.Error(), "base URL: "+mock.BaseURL)
	contains(t, strings.Join(exited.Stderr, "\n"), "postproxy-mock listening on")
	if mock.Exited() == nil {
		t.Fatal("Exited() is nil")
	}
	// Every later call says the same at once.
	_, err = mock.Control.Accounts()
	contains(t, err.Error(), "was killed by signal 9 (killed) before GET /__mock/accounts")
	_, err = mock.CreateAccount(nil)
	if !errors.As(err, &exited) {
		t.Fatalf("%T %v", err, err)
	}
}

func TestCloseTwiceAndACallAfterClose(t *testing.T) {
	t.Parallel()
	mock := must[*postproxymock.Server](t)(postproxymock.New())
	pid := mock.PID
	ok(t, mock.Close())
	equal(t, alive(pid), false)
	began := time.Now()
	ok(t, mock.Close())
	if time.Since(began) > time.Second {
		t.Fatal("the second Close waited")
	}
	_, err := mock.Control.Accounts()
	var exited *postproxymock.ExitedError
	if !errors.As(err, &exited) || !exited.Stopped {
		t.Fatalf("%T %v", err, err)
	}
	contains(t, err.Error(), "was stopped (Close was called) before GET /__mock/accounts")
}

func TestAProgramThatExitsOrNeverGetsReady(t *testing.T) {
	t.Parallel()
	// Exits before it is ready: its code and last 50 stderr lines.
	lines := fakeProgram(t, `i=1; while [ $i -le 120 ]; do echo "line $i" >&2; i=$((i+1)); done; printf "no newline" >&2; exit 3`)
	_, err := postproxymock.New(postproxymock.WithProgram(lines))
	var exited *postproxymock.ExitedError
	if !errors.As(err, &exited) {
		t.Fatalf("%T %v", err, err)
	}
	equal(t, exited.ExitCode, 3)
	equal(t, len(exited.Stderr), 50)
	equal(t, exited.Stderr[0], "line 72")
	equal(t, exited.Stderr[49], "no newline")
	contains(t, err.Error(), "exited with code 3 before it was ready.\nLast lines of its stderr:\n  line 72\n")

	// Prints something else.
	hello := fakeProgram(t, `echo hello; exec sleep 30`)
	_, err = postproxymock.New(postproxymock.WithProgram(hello))
	contains(t, err.Error(), `printed "hello" instead of its ready line`)

	// Never ready: killed after the start timeout.
	silent := fakeProgram(t, `echo "pid $$" >&2; exec sleep 30`)
	began := time.Now()
	_, err = postproxymock.New(postproxymock.WithProgram(silent), postproxymock.WithStartTimeout(300*time.Millisecond))
	var start *postproxymock.StartError
	if !errors.As(err, &start) {
		t.Fatalf("%T %v", err, err)
	}
	if time.Since(began) > 3*time.Second {
		t.Fatal("the timeout was not kept")
	}
	contains(t, err.Error(), "did not say it was ready within 300ms, so it was killed")
	pid := strings.TrimPrefix(start.Stderr[0], "pid ")
	equal(t, alive(atoi(pid)), false)
}

// A test binary killed with SIGKILL leaves no server behind: the server's stdin closes with it.
func TestAKilledTestProcessLeavesNoServer(t *testing.T) {
	dir := t.TempDir()
	ok(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(`package main

import (
	"fmt"
	"os"
	"time"

	"github.com/postproxy/postproxy-rs/packages/go/postproxymock"
)

func main() {
	mock, err := postproxymock.New()
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println(mock.PID)
	time.Sleep(time.Minute)
}
`), 0o644))
	wd := must[string](t)(os.Getwd())
	exe := filepath.Join(dir, "holder")
	build := exec.Command("go", "build", "-o", exe, "./"+mustRel(t, wd, dir))
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	holder := exec.Command(exe)
	stdout := must[io.ReadCloser](t)(holder.StdoutPipe())
	ok(t, holder.Start())
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		holder.Process.Kill()
		t.Fatalf("the holder said %q: %v", line, err)
	}
	server := atoi(strings.TrimSpace(line))
	equal(t, alive(server), true)
	ok(t, holder.Process.Signal(syscall.SIGKILL))
	holder.Wait()
	if !eventually(func() bool { return !alive(server) }) {
		syscall.Kill(server, syscall.SIGKILL)
		t.Fatalf("the server (pid %d) outlived the killed process", server)
	}
}
