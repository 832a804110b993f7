package core_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/redisclient/redisclient/core"
)

// The repository's VERSION is the one source of the version; every copy
// scripts/version.sh writes must agree with it. rc_version() returns the
// header's RC_VERSION_STRING (tests/c checks that at run time), and the
// Python tests check the loaded library against __version__.
func TestVersionAgrees(t *testing.T) {
	read := func(path string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join("..", path))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	version := strings.TrimSpace(read("VERSION"))
	m := regexp.MustCompile(`^(\d+)\.(\d+)\.(\d+)$`).FindStringSubmatch(version)
	if m == nil {
		t.Fatalf("VERSION %q is not MAJOR.MINOR.PATCH", version)
	}
	if core.Version != version {
		t.Errorf("core.Version %q, VERSION %q: run scripts/version.sh", core.Version, version)
	}

	header := read("include/redisclient.h")
	for name, want := range map[string]string{
		"RC_VERSION_MAJOR":  m[1],
		"RC_VERSION_MINOR":  m[2],
		"RC_VERSION_PATCH":  m[3],
		"RC_VERSION_STRING": `"` + version + `"`,
	} {
		got := regexp.MustCompile(`(?m)^#define ` + name + ` (.*)$`).FindStringSubmatch(header)
		if got == nil || got[1] != want {
			t.Errorf("include/redisclient.h: %s is %v, VERSION says %s: run scripts/version.sh", name, got, want)
		}
	}

	py := regexp.MustCompile(`(?m)^__version__ = "(.*)"$`).FindStringSubmatch(read("python/redisclient/_version.py"))
	if py == nil || py[1] != version {
		t.Errorf("python/redisclient/_version.py: %v, VERSION %q: run scripts/version.sh", py, version)
	}
	node := regexp.MustCompile(`(?m)^  "version": "(.*)",$`).FindStringSubmatch(read("node/package.json"))
	if node == nil || node[1] != version {
		t.Errorf("node/package.json: %v, VERSION %q: run scripts/version.sh", node, version)
	}
	// The wheel's metadata takes its version from that file, not from a
	// literal of its own.
	if pyproject := read("python/pyproject.toml"); !strings.Contains(pyproject, `version = { attr = "redisclient._version.__version__" }`) {
		t.Errorf("python/pyproject.toml does not take its version from redisclient._version")
	}
}
