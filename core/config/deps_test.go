package config_test

import (
	"cmp"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// This package and the WebAssembly module are what builds without a
// network client: go-redis, an HTTP client or TLS coming back through an
// import would put one into every program that only reads entries, and
// into the module.
var networkPackages = []string{"github.com/redis/go-redis", "net/http", "crypto/tls"}

func TestNoNetworkClientLinked(t *testing.T) {
	for _, c := range []struct {
		pkg string
		env []string
	}{
		{"github.com/redisclient/redisclient/core/config", nil},
		{"github.com/redisclient/redisclient/core/config", []string{"GOOS=wasip1", "GOARCH=wasm"}},
		{"github.com/redisclient/redisclient/wasm", []string{"GOOS=wasip1", "GOARCH=wasm"}},
	} {
		where := c.pkg + " (" + cmp.Or(strings.Join(c.env, " "), "host") + ")"
		deps := goListDeps(t, c.pkg, c.env)
		if !slices.Contains(deps, "github.com/redisclient/redisclient/core/codec") {
			t.Fatalf("%s: core/codec not among its %d dependencies: go list did not list them", where, len(deps))
		}
		for _, dep := range deps {
			for _, banned := range networkPackages {
				if dep == banned || strings.HasPrefix(dep, banned+"/") {
					t.Errorf("%s links %s", where, dep)
				}
			}
		}
	}
}

// goListDeps is every package pkg builds with, under the environment env.
func goListDeps(t *testing.T, pkg string, env []string) []string {
	t.Helper()
	goCmd := os.Getenv("GO")
	if goCmd == "" {
		goCmd = "go"
	}
	cmd := exec.Command(goCmd, "list", "-deps", pkg)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			t.Fatalf("go list -deps %s %v: %v\n%s", pkg, env, err, exit.Stderr)
		}
		t.Fatalf("go list -deps %s %v: %v", pkg, env, err)
	}
	return strings.Fields(string(out))
}
