package postproxymock

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
)

// Version is this module's version, the workspace's (Cargo.toml); the platform module it
// embeds the program from must have the same.
const Version = "0.1.0"

// ProgramEnv names a postproxy-mock program to run instead of the embedded one, e.g. a
// `cargo build -p postproxy-mock` of your own (target/debug/postproxy-mock).
const ProgramEnv = "POSTPROXY_MOCK_BIN"

// CacheDirEnv names the folder the embedded program is unpacked into (default: the user's
// cache folder, os.UserCacheDir()/postproxy-mock).
const CacheDirEnv = "POSTPROXY_MOCK_CACHE_DIR"

// Platform is one platform a program module is built for.
type Platform struct {
	GOOS, GOARCH string
	Module       string // the module that embeds the program
	Exe          string // the program's file name
}

// Platforms is every platform a program is published for, and the only list of them. Adding
// one (darwin/arm64, linux/arm64, windows/amd64 with Exe "postproxy-mock.exe") is an entry
// here, a module under packages/go/platforms/ like linux-amd64, and a file
// program_GOOS_GOARCH.go that imports it (see program_linux_amd64.go).
var Platforms = []Platform{
	{GOOS: "linux", GOARCH: "amd64", Module: "github.com/postproxy/postproxy-rs/packages/go/platforms/linux-amd64", Exe: "postproxy-mock"},
}

// embeddedProgram is set by the program_GOOS_GOARCH.go file of this platform, if any.
type embeddedProgram struct {
	data    []byte
	size    int64
	sha256  string
	version string
	module  string
}

var embedded *embeddedProgram

// embedOff: built with -tags postproxymock_noembed, so no program is embedded on any platform.
var embedOff bool

// ProgramPath is the path of the postproxy-mock program Start runs: $POSTPROXY_MOCK_BIN when
// set, otherwise the program embedded for this platform, unpacked on first use (once per
// version) into $POSTPROXY_MOCK_CACHE_DIR or the user's cache folder, checked against its size
// and SHA-256, and made executable. The error is a *ProgramError.
func ProgramPath() (string, error) {
	if p := os.Getenv(ProgramEnv); p != "" {
		return p, checkExecutable(p, "Point "+ProgramEnv+" at the postproxy-mock program (e.g. target/debug/postproxy-mock), or unset it to use the embedded one.")
	}
	return unpack(embedded, runtime.GOOS, runtime.GOARCH)
}

func checkExecutable(path, fix string) error {
	info, err := os.Stat(path)
	if err != nil {
		return &ProgramError{Code: ProgramMissing, Path: path, Message: fmt.Sprintf("the postproxy-mock program is missing: %s does not exist. %s", path, fix)}
	}
	if !info.Mode().IsRegular() {
		return &ProgramError{Code: ProgramMissing, Path: path, Message: fmt.Sprintf("the postproxy-mock program is missing: %s is not a file. %s", path, fix)}
	}
	if runtime.GOOS != "windows" && info.Mode().Perm()&0o111 == 0 {
		return &ProgramError{Code: ProgramNotExecutable, Path: path, Message: fmt.Sprintf("the postproxy-mock program at %s is not executable (mode %o). %s", path, info.Mode().Perm(), fix)}
	}
	return nil
}

func unsupported(goos, goarch string) error {
	var names []string
	for _, p := range Platforms {
		names = append(names, p.GOOS+"/"+p.GOARCH)
	}
	sort.Strings(names)
	return &ProgramError{Code: UnsupportedPlatform, Message: fmt.Sprintf(
		"postproxymock has no postproxy-mock program for this platform (GOOS %s, GOARCH %s). Supported: %s. "+
			"Elsewhere, build it (cargo build -p postproxy-mock) and set %s to its path.",
		goos, goarch, strings.Join(names, ", "), ProgramEnv)}
}

var (
	unpackMu sync.Mutex
	verified = map[string]os.FileInfo{} // unpacked files checked in this process
)

func unpack(e *embeddedProgram, goos, goarch string) (string, error) {
	if embedOff {
		return "", &ProgramError{Code: ProgramMissing, Message: "built with -tags postproxymock_noembed, so no postproxy-mock program is embedded: set " + ProgramEnv + " to one"}
	}
	if e == nil {
		return "", unsupported(goos, goarch)
	}
	if e.version != Version {
		return "", &ProgramError{Code: ProgramUnpack, Message: fmt.Sprintf(
			"the program module %s is version %s but postproxymock is %s: require both at the same version", e.module, e.version, Version)}
	}
	if len(e.data) == 0 {
		return "", &ProgramError{Code: ProgramUnpack, Message: fmt.Sprintf(
			"the program module %s embeds no program (the repository's placeholder): use the modules built by packages/go/pack.sh, or set %s", e.module, ProgramEnv)}
	}
	exe := "postproxy-mock"
	if goos == "windows" {
		exe += ".exe"
	}
	dir := os.Getenv(CacheDirEnv)
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			cache = os.TempDir()
		}
		dir = filepath.Join(cache, "postproxy-mock")
	}
	dir = filepath.Join(dir, e.version+"-"+e.sha256[:16])
	path := filepath.Join(dir, exe)

	unpackMu.Lock()
	defer unpackMu.Unlock()
	info, err := os.Stat(path)
	if err == nil && info.Size() == e.size && info.Mode().Perm()&0o100 != 0 {
		if seen, ok := verified[path]; ok && os.SameFile(seen, info) && seen.ModTime().Equal(info.ModTime()) {
			return path, nil
		}
		if sum, err := fileSHA256(path); err == nil && sum == e.sha256 {
			verified[path] = info
			return path, nil
		}
	}
	// Missing, not executable or not the program built: write it (again), atomically, so that
	// parallel test processes never run a half-written file.
	fail := func(err error) (string, error) {
		return "", &ProgramError{Code: ProgramUnpack, Path: path, Message: fmt.Sprintf(
			"cannot unpack the postproxy-mock program to %s: %v (set %s to a writable folder, or %s to a program)", path, err, CacheDirEnv, ProgramEnv)}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fail(err)
	}
	tmp, err := os.CreateTemp(dir, exe+".*.tmp")
	if err != nil {
		return fail(err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(e.data); err != nil {
		tmp.Close()
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	if sum, err := fileSHA256(tmp.Name()); err != nil || sum != e.sha256 {
		return fail(fmt.Errorf("the written file's SHA-256 is %s, not %s", sum, e.sha256))
	}
	if err := os.Chmod(tmp.Name(), 0o755); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fail(err)
	}
	if info, err := os.Stat(path); err == nil {
		verified[path] = info
	}
	return path, nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
