package groups_test

// The READMEs' Go examples are first_test.go, verbatim (and first_test.go runs with the rest).
// test-installed.sh names them: $PACKAGE_README (the built module's README.md) and, when it
// has a Go section, $REPO_README.

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

func readmeExample(t *testing.T, env string) {
	path := os.Getenv(env)
	if path == "" {
		t.Skipf("%s is not set (test-installed.sh sets it)", env)
	}
	readme := string(must[[]byte](t)(os.ReadFile(path)))
	marker := "<!-- example: packages/go/tests/first_test.go"
	at := strings.Index(readme, marker)
	if at < 0 {
		if env == "REPO_README" {
			t.Skipf("%s has no Go example marker yet", path)
		}
		t.Fatalf("%s has no %q", path, marker)
	}
	block := regexp.MustCompile("(?s)```go\n(.*?)```").FindStringSubmatch(readme[at:])
	if block == nil {
		t.Fatalf("no go block after the marker in %s", path)
	}
	equal(t, block[1], string(must[[]byte](t)(os.ReadFile("first_test.go"))))
}

func TestThePackageReadmeExampleIsFirstTest(t *testing.T) { readmeExample(t, "PACKAGE_README") }

func TestTheRepositoryReadmeExampleIsFirstTest(t *testing.T) { readmeExample(t, "REPO_README") }
