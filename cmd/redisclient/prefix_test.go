package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redisclient/redisclient/core"
	"github.com/stretchr/testify/require"
)

// serverKind is a test server and the entry that reaches it.
type serverKind struct {
	name      string
	primaries int
	entry     func(t *testing.T, prefix string) string
}

func certFile(t *testing.T, name string) string { return filepath.Join(need(t, "RC_TEST_CERTS"), name) }

// ansibleEntry is an entry with django-ansible-base's client and kwargs.
func ansibleEntry(t *testing.T, location, prefix string, kwargs map[string]any) string {
	t.Helper()
	e, err := json.Marshal(map[string]any{"LOCATION": location, "KEY_PREFIX": prefix,
		"OPTIONS": map[string]any{"CLIENT_CLASS": "ansible_base.lib.redis.RedisClient", "CLIENT_CLASS_KWARGS": kwargs}})
	require.NoError(t, err)
	return string(e)
}

func tlsKwargs(t *testing.T) map[string]any {
	return map[string]any{"ssl": true, "ssl_certfile": certFile(t, "client.crt"), "ssl_keyfile": certFile(t, "client.key"), "ssl_ca_certs": certFile(t, "ca.crt")}
}

func first(addrs string) string { f, _, _ := strings.Cut(addrs, ","); return f }

func serverKinds() []serverKind {
	return []serverKind{
		{"standalone", 1, standaloneEntry},
		{"acl", 1, func(t *testing.T, p string) string {
			return ansibleEntry(t, "redis://"+need(t, "RC_TEST_ACL"), p,
				map[string]any{"username": need(t, "RC_TEST_ACL_USER"), "password": need(t, "RC_TEST_ACL_PASSWORD")})
		}},
		{"tls", 1, func(t *testing.T, p string) string {
			return ansibleEntry(t, "rediss://"+need(t, "RC_TEST_TLS"), p, tlsKwargs(t))
		}},
		{"cluster", 3, func(t *testing.T, p string) string {
			hosts := need(t, "RC_TEST_CLUSTER")
			return ansibleEntry(t, "redis://"+first(hosts), p, map[string]any{"mode": "cluster", "redis_hosts": hosts})
		}},
		{"tls-cluster", 3, func(t *testing.T, p string) string {
			hosts := need(t, "RC_TEST_TLS_CLUSTER")
			kw := tlsKwargs(t)
			kw["clustered"], kw["clustered_hosts"] = true, hosts
			return ansibleEntry(t, "rediss://"+first(hosts), p, kw)
		}},
	}
}

// lines is the sorted lines of an output.
func lines(s string) []string {
	l := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	if s == "" {
		l = nil
	}
	slices.Sort(l)
	return l
}

type statsJSON struct {
	Prefix  string           `json:"prefix"`
	Sampled bool             `json:"sampled"`
	Nodes   []core.NodeStats `json:"nodes"`
	Total   core.NodeStats   `json:"total"`
}

func parseStats(t *testing.T, r result) statsJSON {
	t.Helper()
	require.Equal(t, exitOK, r.code, r.stderr)
	var s statsJSON
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &s), r.stdout)
	return s
}

// Every command, on every kind of server, with its output and exit code;
// keys, stats and clear see this prefix only, never a neighbour's that
// begins the same way.
func TestCommandsOnEveryServer(t *testing.T) {
	for _, k := range serverKinds() {
		t.Run(k.name, func(t *testing.T) {
			prefix := fmt.Sprintf("cli-%s-%d", k.name, time.Now().UnixNano())
			f := entryFile(t, k.entry(t, prefix))
			neighbour := entryFile(t, k.entry(t, prefix+":a"))
			longer := entryFile(t, k.entry(t, prefix+"x"))
			run := func(entry string, args ...string) result {
				t.Helper()
				r := cli(t, "", nil, append([]string{"--entry", entry}, args...)...)
				if k.name == "acl" {
					require.NotContains(t, r.stdout+r.stderr, need(t, "RC_TEST_ACL_PASSWORD"))
				}
				return r
			}
			t.Cleanup(func() {
				for _, e := range []string{f, neighbour, longer} {
					run(e, "clear", "--yes")
				}
			})

			r := run(f, "health")
			require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
			require.Contains(t, r.stdout, "status  good")
			r = run(f, "resolve")
			require.Equal(t, exitOK, r.code, r.stderr)
			require.Contains(t, r.stdout, `"mode"`)

			r = run(f, "clear")
			require.Equal(t, exitOK, r.code, r.stderr)
			require.Equal(t, fmt.Sprintf("no keys under prefix %q\n", prefix), r.stdout)

			for i := range 5 {
				r = run(f, "set", fmt.Sprintf("user:%d", i), fmt.Sprintf(`{"n": %d}`, i), "--timeout", "600")
				require.Equal(t, exitOK, r.code, r.stderr)
			}
			require.Equal(t, exitOK, run(f, "set", "forever", `"x"`, "--timeout", "none").code)
			require.Equal(t, exitOK, run(f, "set", "old", `"v2"`, "--version", "2", "--timeout", "30").code)
			require.Equal(t, exitOK, run(f, "set", "n", "41", "--timeout", "7200").code)
			for _, e := range []string{neighbour, longer} {
				require.Equal(t, exitOK, run(e, "set", "user:0", `"not ours"`).code)
				require.Equal(t, exitOK, run(e, "set", "other", `"not ours"`).code)
			}

			r = run(f, "get", "user:3")
			require.Equal(t, exitOK, r.code, r.stderr)
			require.JSONEq(t, `{"n": 3}`, r.stdout)
			r = run(f, "ttl", "user:3")
			require.Regexp(t, `^(5[89]\d|600)\.\d{3}\n$`, r.stdout)
			r = run(f, "incr", "n", "1")
			require.Equal(t, "42\n", r.stdout, r.stderr)
			require.Equal(t, exitMiss, run(f, "get", "old").code)

			r = run(f, "keys")
			require.Equal(t, exitOK, r.code, r.stderr)
			require.Equal(t, []string{"forever", "n", "user:0", "user:1", "user:2", "user:3", "user:4"}, lines(r.stdout))
			require.Equal(t, fmt.Sprintf("7 keys (prefix %q, version 1)\n", prefix), r.stderr)
			r = run(f, "keys", "user:[13]")
			require.Equal(t, []string{"user:1", "user:3"}, lines(r.stdout), r.stderr)
			require.Contains(t, r.stderr, "2 keys")
			r = run(f, "keys", "--version", "2", "--full")
			require.Equal(t, []string{prefix + ":2:old"}, lines(r.stdout), r.stderr)
			r = run(f, "keys", "nothing*")
			require.Equal(t, exitOK, r.code)
			require.Equal(t, "", r.stdout)
			require.Contains(t, r.stderr, "0 keys")

			s := parseStats(t, run(f, "stats", "--json"))
			require.Equal(t, prefix, s.Prefix)
			require.Len(t, s.Nodes, k.primaries)
			require.False(t, s.Sampled)
			require.EqualValues(t, 8, s.Total.Keys) // all versions, the neighbours' not
			require.EqualValues(t, 8, s.Total.Sampled)
			require.EqualValues(t, core.TTLBuckets{None: 1, Under1m: 1, Under1h: 5, Under1d: 1}, s.Total.TTL)
			require.Greater(t, s.Total.MemoryBytes, int64(8*16))
			var perNode, holding int64
			for _, n := range s.Nodes {
				perNode += n.Keys
				holding += min(n.Keys, 1)
			}
			require.EqualValues(t, 8, perNode)
			if k.primaries > 1 { // the addresses health names, none blank
				r := run(f, "health", "--json")
				for _, n := range s.Nodes {
					require.Contains(t, r.stdout, `"addr": "`+n.Addr+`"`)
				}
			}
			r = run(f, "stats", "--sample", "1")
			require.Equal(t, exitOK, r.code, r.stderr)
			require.Contains(t, r.stdout, fmt.Sprintf("prefix %q, all versions", prefix))
			require.Regexp(t, fmt.Sprintf(`sampled %d of 8 keys \(--sample 1 per node\)`, holding), r.stdout)

			// No terminal, no --yes: nothing deleted, exit 6.
			r = run(f, "clear")
			require.Equal(t, exitDeclined, r.code, r.stdout+r.stderr)
			require.Contains(t, r.stderr, "--yes")
			require.Contains(t, run(f, "keys").stderr, "7 keys")

			r = run(f, "clear", "--yes")
			require.Equal(t, exitOK, r.code, r.stderr)
			require.Equal(t, fmt.Sprintf("removed 8 keys under prefix %q\n", prefix), r.stdout)
			require.Contains(t, run(f, "keys").stderr, "0 keys")
			require.Equal(t, exitMiss, run(f, "get", "old", "--version", "2").code)
			for _, e := range []string{neighbour, longer} {
				r = run(e, "keys")
				require.Equal(t, []string{"other", "user:0"}, lines(r.stdout), r.stderr)
				r = run(e, "get", "user:0")
				require.Equal(t, "\"not ours\"\n", r.stdout)
			}

			require.Equal(t, exitOK, run(neighbour, "delete", "other").code)
			require.Equal(t, exitMiss, run(neighbour, "delete", "other").code)
		})
	}
}

// A large prefix: listed as it is scanned, cleared with progress on
// standard error, its stats sampled and saying so.
func TestLargePrefix(t *testing.T) {
	for _, k := range serverKinds() {
		if k.name != "standalone" && k.name != "cluster" {
			continue
		}
		t.Run(k.name, func(t *testing.T) {
			prefix := fmt.Sprintf("cli-large-%s-%d", k.name, time.Now().UnixNano())
			text := k.entry(t, prefix)
			f := entryFile(t, text)
			e, err := core.ParseEntry([]byte(text))
			require.NoError(t, err)
			c, err := core.Open(e)
			require.NoError(t, err)
			defer c.Close()
			const n = 2500
			items := make(map[string][]byte, n)
			for i := range n {
				items[fmt.Sprintf("k%04d", i)] = []byte("v")
			}
			require.NoError(t, c.SetMany(context.Background(), items, core.NeverExpire))
			t.Cleanup(func() { _, _ = c.Clear(context.Background()) })

			r := cli(t, "", nil, "--entry", f, "keys", "k*")
			require.Equal(t, exitOK, r.code, r.stderr)
			got := lines(r.stdout)
			require.Len(t, slices.Compact(got), n)
			require.Equal(t, fmt.Sprintf("%d keys (prefix %q, version 1)\n", len(got), prefix), r.stderr)

			r = cli(t, "", nil, "--entry", f, "stats", "--sample", "100")
			require.Equal(t, exitOK, r.code, r.stderr)
			require.Contains(t, r.stdout, fmt.Sprintf("sampled %d of %d keys", 100*k.primaries, n))
			s := parseStats(t, cli(t, "", nil, "--entry", f, "stats", "--sample", "100", "--json"))
			require.True(t, s.Sampled)
			require.Equal(t, s.Total.Sampled, s.Total.TTL.None)
			require.EqualValues(t, n, s.Total.Keys)

			r = cli(t, "", nil, "--entry", f, "clear", "--yes", "--progress", "1000")
			require.Equal(t, exitOK, r.code, r.stderr)
			require.Equal(t, fmt.Sprintf("removed %d keys under prefix %q\n", n, prefix), r.stdout)
			progress := lines(r.stderr)
			require.GreaterOrEqual(t, len(progress), 2, r.stderr)
			for _, l := range progress {
				require.Regexp(t, fmt.Sprintf(`^removed \d+ of %d keys$`, n), l)
			}
			require.Contains(t, cli(t, "", nil, "--entry", f, "keys").stderr, "0 keys")
		})
	}
}

// On a terminal, clear asks, naming the prefix and the count, and deletes
// only on yes. script(1) gives the program a terminal.
func TestClearConfirmation(t *testing.T) {
	prefix := fmt.Sprintf("cli-confirm-%d", time.Now().UnixNano())
	f := entryFile(t, standaloneEntry(t, prefix))
	for _, k := range []string{"a", "b", "c"} {
		require.Equal(t, exitOK, cli(t, "", nil, "--entry", f, "set", k, "1").code)
	}
	onTerminal := func(answer string) (string, int) {
		t.Helper()
		cmd := exec.Command("script", "-qec", fmt.Sprintf("%s --entry %s clear", binary, f), "/dev/null")
		cmd.Stdin = strings.NewReader(answer)
		out, err := cmd.CombinedOutput()
		if exit, ok := err.(*exec.ExitError); ok {
			return string(out), exit.ExitCode()
		}
		require.NoError(t, err, "%s", out)
		return string(out), 0
	}
	question := fmt.Sprintf("delete 3 keys under prefix %q (all versions)? [y/N]", prefix)
	for _, no := range []string{"n\n", "\n", "yep\n", ""} {
		out, code := onTerminal(no)
		require.Equal(t, exitDeclined, code, out)
		require.Contains(t, out, question)
		require.Contains(t, out, "not deleted")
	}
	require.Contains(t, cli(t, "", nil, "--entry", f, "keys").stderr, "3 keys")
	out, code := onTerminal("y\n")
	require.Equal(t, exitOK, code, out)
	require.Contains(t, out, question)
	require.Contains(t, out, fmt.Sprintf("removed 3 keys under prefix %q", prefix))

	// The entry on standard input leaves no one to ask.
	require.Equal(t, exitOK, cli(t, "", nil, "--entry", f, "set", "a", "1").code)
	r := cli(t, standaloneEntry(t, prefix), nil, "--entry", "-", "clear")
	require.Equal(t, exitDeclined, r.code, r.stderr)
	r = cli(t, standaloneEntry(t, prefix), []string{entryVariable + "=-"}, "clear")
	require.Equal(t, exitDeclined, r.code, r.stderr)
	require.Equal(t, exitOK, cli(t, "", nil, "--entry", f, "clear", "--yes").code)
}

// Each command's --help: its usage, examples and the exit codes, on
// standard error, exit 0, with no entry needed.
func TestCommandHelp(t *testing.T) {
	for name := range commands {
		r := cli(t, "", []string{entryVariable + "="}, name, "--help")
		require.Equal(t, exitOK, r.code, "%s: %s", name, r.stderr)
		require.Contains(t, r.stderr, "usage: redisclient [--entry FILE] "+name)
		require.Contains(t, r.stderr, "Examples:\n  redisclient --entry cache.json "+name)
		require.Contains(t, r.stderr, "6 not confirmed (clear)")
		require.NotEmpty(t, summaries[name], name)
	}
	r := cli(t, "", nil, "help")
	for name := range commands {
		require.Contains(t, r.stdout, "\n  "+name+" ", name)
	}
	r = cli(t, "", nil, "stats", "--sample", "0")
	require.Equal(t, exitUsage, r.code)
	require.Contains(t, r.stderr, "--sample 0")
	r = cli(t, "", nil, "clear", "--progress", "-1")
	require.Equal(t, exitUsage, r.code)
	require.Contains(t, r.stderr, "--progress -1")
	r = cli(t, "", nil, "stats", "--sample", "many")
	require.Equal(t, exitUsage, r.code)
	require.Contains(t, r.stderr, `invalid value "many" for flag -sample`)
	r = cli(t, "", nil, "keys", "a", "b")
	require.Equal(t, exitUsage, r.code)
}

// The keys a Django service wrote are the ones keys lists, stats counts
// and clear removes, and Django sees them gone; a neighbour prefix's stay.
func TestDjangoKeysAndClear(t *testing.T) {
	python := need(t, "RC_TEST_PYTHON")
	for _, k := range serverKinds() {
		if k.name != "standalone" && k.name != "cluster" {
			continue
		}
		t.Run(k.name, func(t *testing.T) {
			prefix := fmt.Sprintf("cli-dj-%s-%d", k.name, time.Now().UnixNano())
			ours, theirs := k.entry(t, prefix), k.entry(t, prefix+":a")
			django := func(code string) string {
				t.Helper()
				script := fmt.Sprintf(`
import json, django
from django.conf import settings
backend = {"BACKEND": "django_redis.cache.RedisCache"}
settings.configure(CACHES={"default": {**json.loads(%q), **backend}, "neighbour": {**json.loads(%q), **backend}})
django.setup()
from django.core.cache import cache, caches
%s`, ours, theirs, code)
				out, err := exec.Command(python, "-c", script).CombinedOutput()
				require.NoError(t, err, "%s", out)
				return string(out)
			}
			django(`cache.set("job:1", {"id": 1}, 600)
cache.set("job:2", [1, 2], None)
cache.set("job:old", "three", version=3)
caches["neighbour"].set("job:1", "theirs")`)
			f := entryFile(t, ours)
			t.Cleanup(func() { cli(t, "", nil, "--entry", entryFile(t, theirs), "clear", "--yes") })

			r := cli(t, "", nil, "--entry", f, "keys", "job:*")
			require.Equal(t, []string{"job:1", "job:2"}, lines(r.stdout), r.stderr)
			r = cli(t, "", nil, "--entry", f, "keys", "--version", "3")
			require.Equal(t, []string{"job:old"}, lines(r.stdout), r.stderr)
			r = cli(t, "", nil, "--entry", f, "get", "job:old", "--version", "3")
			require.Equal(t, "\"three\"\n", r.stdout, r.stderr)
			s := parseStats(t, cli(t, "", nil, "--entry", f, "stats", "--json"))
			require.EqualValues(t, 3, s.Total.Keys)
			require.Equal(t, core.TTLBuckets{None: 1, Under1h: 2}, s.Total.TTL) // Django's default TIMEOUT is 300 s

			r = cli(t, "", nil, "--entry", f, "clear", "--yes")
			require.Equal(t, exitOK, r.code, r.stderr)
			require.Contains(t, r.stdout, "removed 3 keys")
			require.Equal(t, "None None theirs\n",
				django(`print(cache.get("job:1"), cache.get("job:old", version=3), caches["neighbour"].get("job:1"))`))
		})
	}
}

// --null lists keys that hold a newline or begin with "-" so that xargs -0
// hands them back whole, as the keys example does.
func TestKeysNull(t *testing.T) {
	prefix := fmt.Sprintf("cli-null-%d", time.Now().UnixNano())
	f := entryFile(t, standaloneEntry(t, prefix))
	for _, k := range []string{"two\nlines", "-dash", "plain"} {
		r := cli(t, "", nil, "--entry", f, "set", "--", k, "1")
		require.Equal(t, exitOK, r.code, r.stderr)
	}
	r := cli(t, "", nil, "--entry", f, "keys", "--null")
	require.Equal(t, exitOK, r.code, r.stderr)
	got := strings.Split(strings.TrimSuffix(r.stdout, "\x00"), "\x00")
	require.ElementsMatch(t, []string{"two\nlines", "-dash", "plain"}, got)
	require.Contains(t, r.stderr, "3 keys")

	pipeline := fmt.Sprintf("%[1]s --entry %[2]s keys --null | xargs -0 -n1 %[1]s --entry %[2]s delete --", binary, f)
	out, err := exec.Command("sh", "-c", pipeline).CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, cli(t, "", nil, "--entry", f, "keys").stderr, "0 keys")
}
