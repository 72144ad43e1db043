package groups_test

// Shared by the tests: the product API through net/http (the official Go SDK is not in the
// Go module proxy), temporary files and fake programs.

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/postproxy/postproxy-rs/packages/go/postproxymock"
)

// api calls the product API with key; the status and the decoded JSON answer.
func api(t *testing.T, mock *postproxymock.Server, key, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var data io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		data = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, mock.BaseURL+path, data)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: %s", method, path, raw)
		}
	}
	return resp.StatusCode, out
}

// ids lists the "id" of each element of a response's "data".
func ids(t *testing.T, body map[string]any) []string {
	t.Helper()
	var out []string
	for _, item := range body["data"].([]any) {
		out = append(out, item.(map[string]any)["id"].(string))
	}
	return out
}

func groupIDs(t *testing.T, mock *postproxymock.Server, key string) []string {
	t.Helper()
	status, body := api(t, mock, key, "GET", "/api/profile_groups", nil)
	if status != 200 {
		t.Fatalf("GET /api/profile_groups: %d %v", status, body)
	}
	return ids(t, body)
}

func equal[T comparable](t *testing.T, got, want T) {
	t.Helper()
	if got != want {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func equalJSON(t *testing.T, got, want any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if !bytes.Equal(g, w) {
		t.Fatalf("got  %s\nwant %s", g, w)
	}
}

func contains(t *testing.T, text, part string) {
	t.Helper()
	if !strings.Contains(text, part) {
		t.Fatalf("%q does not contain %q", text, part)
	}
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// writeFile writes a file with mode into a test's temporary folder.
func writeFile(t *testing.T, name, text string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
	return path
}

// fakeProgram is a shell script standing in for postproxy-mock.
func fakeProgram(t *testing.T, body string) string {
	return writeFile(t, "postproxy-mock", "#!/bin/sh\n"+body+"\n", 0o755)
}

// alive says whether a process runs (a zombie, exited but not yet reaped, does not).
func alive(pid int) bool {
	if stat, err := os.ReadFile("/proc/" + itoa(pid) + "/stat"); err == nil {
		if end := strings.LastIndexByte(string(stat), ')'); end > 0 && strings.HasPrefix(string(stat[end+1:]), " Z") {
			return false
		}
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	return p.Signal(syscallZero) == nil
}

func eventually(check func() bool) bool {
	end := time.Now().Add(5 * time.Second)
	for !check() {
		if time.Now().After(end) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return true
}

func smallFixtures(suffix string) postproxymock.Fixtures {
	return postproxymock.Fixtures{Accounts: []postproxymock.AccountFixture{{
		ID: "acct_small" + suffix,
		APIKeys: []postproxymock.APIKeyFixture{
			{Key: "pp_small_full" + suffix},
			{Key: "pp_small_scoped" + suffix, ProfileGroupID: "grp_small"},
		},
		ProfileGroups: []postproxymock.GroupFixture{
			{ID: "grp_small", Name: "Small", Profiles: []postproxymock.ProfileFixture{
				{ID: "prof_small", Name: "@small", Platform: "bluesky", Status: "active"},
			}},
			{ID: "grp_other", Name: "Other"},
		},
	}}}
}
