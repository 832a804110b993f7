package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(t *testing.T, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Fatalf("%s is not set: run the tests through testenv/with-redis.sh (make test)", name)
	}
	return v
}

// The built demo, given entries that hold canary passwords everywhere a
// password can be written, prints none of them, in no encoding and no piece
// a '/', '?', '#', '@', ':' or '%' could cut off: not in the settings it
// prints, not in any error (configuration, or AUTH refused by the ACL
// server).
func TestDemoNeverPrintsThePassword(t *testing.T) {
	dir := t.TempDir()
	demo := filepath.Join(dir, "demo")
	build := exec.Command("go", "build", "-o", demo, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	acl, user := env(t, "RC_TEST_ACL"), env(t, "RC_TEST_ACL_USER")
	kwargs := func(kw map[string]any) map[string]any {
		return map[string]any{"LOCATION": "redis://" + acl, "OPTIONS": map[string]any{"CLIENT_CLASS_KWARGS": kw}}
	}
	for _, p := range []string{
		"CaNaRy-Qx7fZ", "CaNaRy/Qx7fZ", "CaNaRy?Qx7fZ", "CaNaRy#Qx7fZ", "CaNaRy@Qx7fZ", "CaNaRy:Qx7fZ",
		"CaNaRy%Qx7fZ", "CaNaRy%2FQx7fZ", "CaNaRy?Qx7fZ#Vb3eK@Mu9tP",
	} {
		entries := map[string]map[string]any{
			"url":                {"LOCATION": "redis://" + user + ":" + p + "@" + acl},
			"no scheme":          {"LOCATION": user + ":" + p + "@" + acl},
			"no scheme, no user": {"LOCATION": ":" + p + "@" + acl},
			"other scheme":       {"LOCATION": "http://" + user + ":" + p + "@" + acl},
			"bad port":           {"LOCATION": "redis://" + user + ":" + p + "@127.0.0.1:x"},
			"query":              {"LOCATION": "redis://" + acl + "/0?username=" + user + "&password=" + url.QueryEscape(p)},
			"kwargs password":    kwargs(map[string]any{"username": user, "password": p}),
			"OPTIONS.PASSWORD": {"LOCATION": "redis://" + acl,
				"OPTIONS": map[string]any{"PASSWORD": p, "CLIENT_CLASS_KWARGS": map[string]any{"username": user}}},
			"kwargs, bad port":    kwargs(map[string]any{"password": p, "port": "junk"}),
			"ssl_password":        kwargs(map[string]any{"ssl": true, "ssl_password": p}),
			"dev zero CA":         kwargs(map[string]any{"password": p, "ssl": true, "ssl_ca_certs": "/dev/zero"}),
			"cluster hosts":       kwargs(map[string]any{"mode": "cluster", "redis_hosts": "redis://:" + p + "@127.0.0.1:16999"}),
			"cluster, wrong user": kwargs(map[string]any{"mode": "cluster", "redis_hosts": env(t, "RC_TEST_CLUSTER"), "username": "nosuchuser", "password": p}),
		}
		if !strings.Contains(p, "@") { // else without its host it is a password and a host
			entries["no host"] = map[string]any{"LOCATION": "redis://:" + p}
		}
		for name, e := range entries {
			t.Run(p+"/"+name, func(t *testing.T) {
				e["KEY_PREFIX"] = "demo-secrets"
				data, err := json.Marshal(e)
				if err != nil {
					t.Fatal(err)
				}
				file := filepath.Join(dir, "entry.json")
				if err := os.WriteFile(file, data, 0o600); err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				out, err := exec.CommandContext(ctx, demo, "-entry", file).CombinedOutput()
				if err == nil {
					t.Fatalf("the demo succeeded with a canary password:\n%s", out)
				}
				if ctx.Err() != nil {
					t.Fatalf("the demo still ran after 30 s:\n%s", out)
				}
				if !strings.Contains(string(out), "demo: ") {
					t.Fatalf("no error printed:\n%s", out)
				}
				lower := strings.ToLower(string(out))
				forms := []string{p, url.QueryEscape(p), url.PathEscape(p), hex.EncodeToString([]byte(p))}
				for _, piece := range strings.FieldsFunc(p, func(r rune) bool { return strings.ContainsRune("/?#@:%&", r) }) {
					if len(piece) >= 5 {
						forms = append(forms, piece)
					}
				}
				for _, form := range forms {
					if strings.Contains(lower, strings.ToLower(form)) {
						t.Fatalf("the demo printed %q (of the password %q):\n%s", form, p, out)
					}
				}
			})
		}
	}
}
