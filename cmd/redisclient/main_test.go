package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The tests run the built binary against the test servers, as an operator
// would: its output and its exit code are what is promised.

func need(t *testing.T, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Fatalf("%s is not set: run the tests through testenv/with-redis.sh (make test)", name)
	}
	return v
}

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "redisclient-cli")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "redisclient")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		panic(fmt.Sprintf("go build: %v\n%s", err, out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

// cli runs the binary with args, the entry on standard input when stdin is
// not empty, and extra environment variables.
func cli(t *testing.T, stdin string, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return result{out.String(), errOut.String(), code}
}

func entryFile(t *testing.T, entry string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "cache.json")
	require.NoError(t, os.WriteFile(f, []byte(entry), 0o600))
	return f
}

func standaloneEntry(t *testing.T, prefix string) string {
	return fmt.Sprintf(`{"LOCATION": "redis://%s/0", "KEY_PREFIX": %q}`, need(t, "RC_TEST_STANDALONE"), prefix)
}

func TestGetSetTTLDeleteIncr(t *testing.T) {
	prefix := fmt.Sprintf("cli-%d", time.Now().UnixNano())
	f := entryFile(t, standaloneEntry(t, prefix))
	run := func(args ...string) result { return cli(t, "", nil, append([]string{"--entry", f}, args...)...) }

	r := run("get", "greeting")
	require.Equal(t, exitMiss, r.code, r.stderr)
	require.Contains(t, r.stderr, "no such key")

	r = run("set", "greeting", `{"text": "hello", "n": 2}`, "--timeout", "60")
	require.Equal(t, exitOK, r.code, r.stderr)
	r = run("get", "greeting")
	require.Equal(t, exitOK, r.code, r.stderr)
	require.JSONEq(t, `{"text": "hello", "n": 2}`, r.stdout)
	// The stored bytes are Django's pickle, not the JSON given.
	r = run("get", "--raw", "greeting")
	require.Equal(t, exitOK, r.code)
	require.True(t, strings.HasPrefix(r.stdout, "\x80"), "not a pickle: %q", r.stdout)
	r = run("ttl", "greeting")
	require.Equal(t, exitOK, r.code, r.stderr)
	require.Regexp(t, `^(59|60)\.\d{3}\n$`, r.stdout)

	r = run("set", "plain", "raw bytes", "--raw", "--timeout", "none")
	require.Equal(t, exitOK, r.code, r.stderr)
	r = run("get", "plain", "--raw")
	require.Equal(t, "raw bytes", r.stdout)
	r = run("ttl", "plain")
	require.Equal(t, "none\n", r.stdout)

	// Integers are stored as digits, as django-redis stores them.
	require.Equal(t, exitOK, run("set", "n", "41").code)
	r = run("incr", "n")
	require.Equal(t, "42\n", r.stdout, r.stderr)
	r = run("incr", "n", "-50")
	require.Equal(t, "-8\n", r.stdout, r.stderr)
	require.Equal(t, exitMiss, run("incr", "absent").code)
	require.Equal(t, exitUsage, run("incr", "n", "many").code)

	// --version is Django's version=: another key.
	require.Equal(t, exitOK, run("set", "v", `"two"`, "--version", "2").code)
	require.Equal(t, exitMiss, run("get", "v").code)
	r = run("get", "v", "--version", "2")
	require.Equal(t, "\"two\"\n", r.stdout)

	require.Equal(t, exitOK, run("delete", "greeting").code)
	require.Equal(t, exitMiss, run("delete", "greeting").code)
	require.Equal(t, exitMiss, run("ttl", "greeting").code)
	for _, k := range []string{"plain", "n"} {
		require.Equal(t, exitOK, run("delete", k).code)
	}
	require.Equal(t, exitOK, run("delete", "v", "--version", "2").code)
}

func TestEntrySources(t *testing.T) {
	prefix := fmt.Sprintf("cli-src-%d", time.Now().UnixNano())
	// Standard input, with a ${VAR} expanded from the environment.
	templated := `{"LOCATION": "redis://${RC_CLI_SERVER}/0", "KEY_PREFIX": "` + prefix + `"}`
	env := []string{"RC_CLI_SERVER=" + need(t, "RC_TEST_STANDALONE")}
	r := cli(t, templated, env, "--entry", "-", "set", "k", `"v"`)
	require.Equal(t, exitOK, r.code, r.stderr)
	// The file REDISCLIENT_ENTRY names.
	f := entryFile(t, standaloneEntry(t, prefix))
	r = cli(t, "", []string{entryVariable + "=" + f}, "get", "k")
	require.Equal(t, exitOK, r.code, r.stderr)
	require.Equal(t, "\"v\"\n", r.stdout)
	require.Equal(t, exitOK, cli(t, "", nil, "--entry="+f, "delete", "k").code)

	// No entry, an unset variable, a bad command: exit 2 with the reason.
	r = cli(t, "", []string{entryVariable + "="}, "get", "k")
	require.Equal(t, exitUsage, r.code)
	require.Contains(t, r.stderr, "no entry")
	r = cli(t, templated, nil, "--entry", "-", "get", "k")
	require.Equal(t, exitUsage, r.code)
	require.Contains(t, r.stderr, "RC_CLI_SERVER")
	require.Equal(t, exitUsage, cli(t, "", nil, "frobnicate").code)
	require.Equal(t, exitUsage, cli(t, "", nil).code)
	r = cli(t, "", nil, "help")
	require.Equal(t, exitOK, r.code)
	require.Contains(t, r.stdout, "Exit codes")
	r = cli(t, "", nil, "--entry", f, "get", "--help")
	require.Equal(t, exitOK, r.code)
	require.Contains(t, r.stderr, "usage: redisclient [--entry FILE] get KEY")
}

// A SentinelClient entry needs DJANGO_REDIS_CONNECTION_FACTORY beside it,
// from the file REDISCLIENT_DJANGO_SETTINGS names.
func TestSentinelSettings(t *testing.T) {
	var sentinels []string
	for _, a := range strings.Split(need(t, "RC_TEST_SENTINELS"), ",") {
		host, port, _ := strings.Cut(a, ":")
		sentinels = append(sentinels, fmt.Sprintf("[%q, %s]", host, port))
	}
	f := entryFile(t, fmt.Sprintf(`{"LOCATION": "redis://%s/0", "KEY_PREFIX": "cli-sentinel-%d", "OPTIONS": `+
		`{"CLIENT_CLASS": "django_redis.client.SentinelClient", "SENTINELS": [%s]}}`,
		need(t, "RC_TEST_SENTINEL_SERVICE"), time.Now().UnixNano(), strings.Join(sentinels, ", ")))
	r := cli(t, "", nil, "--entry", f, "resolve")
	require.Equal(t, exitUsage, r.code)
	require.Contains(t, r.stderr, "DJANGO_REDIS_CONNECTION_FACTORY")

	settings := filepath.Join(t.TempDir(), "settings.json")
	require.NoError(t, os.WriteFile(settings, []byte(`{"DJANGO_REDIS_CONNECTION_FACTORY": "django_redis.pool.SentinelConnectionFactory"}`), 0o600))
	env := []string{settingsVariable + "=" + settings}
	r = cli(t, "", env, "--entry", f, "resolve")
	require.Equal(t, exitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, `"role": "replica"`)
	r = cli(t, "", env, "--entry", f, "incr", "n")
	require.Equal(t, exitMiss, r.code, r.stderr)
	r = cli(t, "", env, "--entry", f, "health")
	require.Equal(t, exitOK, r.code, r.stderr)

	r = cli(t, "", []string{settingsVariable + "=" + f}, "--entry", f, "resolve") // an entry is no settings object
	require.Equal(t, exitUsage, r.code)
	require.Contains(t, r.stderr, "not read by redisclient")
}

func TestHealth(t *testing.T) {
	good := entryFile(t, standaloneEntry(t, "cli-health"))
	r := cli(t, "", nil, "--entry", good, "health")
	require.Equal(t, exitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "status  good")
	require.Contains(t, r.stdout, "ping    PONG")

	cluster := need(t, "RC_TEST_CLUSTER")
	first, _, _ := strings.Cut(cluster, ",")
	clusterEntry := entryFile(t, fmt.Sprintf(`{"LOCATION": "redis://%s", "OPTIONS": {"CLIENT_CLASS": "ansible_base.lib.redis.RedisClient", "CLIENT_CLASS_KWARGS": {"mode": "cluster", "redis_hosts": %q}}}`, first, cluster))
	r = cli(t, "", nil, "--entry", clusterEntry, "health", "--json")
	require.Equal(t, exitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, `"status": "good"`)
	require.Contains(t, r.stdout, `"cluster_state": "ok"`)
	require.Equal(t, 6, strings.Count(r.stdout, `"addr"`), r.stdout)

	// Nothing listens there: failed, exit 4.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	dead := l.Addr().String()
	require.NoError(t, l.Close())
	deadEntry := entryFile(t, fmt.Sprintf(`{"LOCATION": "redis://%s/0"}`, dead))
	r = cli(t, "", nil, "--entry", deadEntry, "health", "--json")
	require.Equal(t, exitFailed, r.code, r.stdout+r.stderr)
	require.Contains(t, r.stdout, `"status": "failed"`)
	require.Contains(t, r.stdout, "refused")

	// A server that accepts and never answers: failed within --timeout.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	hungEntry := entryFile(t, fmt.Sprintf(`{"LOCATION": "redis://%s/0"}`, silent.Addr()))
	start := time.Now()
	r = cli(t, "", nil, "--entry", hungEntry, "health", "--timeout", "300ms")
	require.Equal(t, exitFailed, r.code, r.stdout+r.stderr)
	require.Contains(t, r.stdout, "no answer within 300ms")
	require.Less(t, time.Since(start), 3*time.Second)
}

// The password never reaches the output, except through resolve
// --show-password: not in errors from a refused password, a malformed
// LOCATION or a failed health check.
func TestPasswordNeverPrinted(t *testing.T) {
	const canary = "CaNaRy-cli/p@ss"
	acl := need(t, "RC_TEST_ACL")
	forms := []string{canary, url.QueryEscape(canary), url.PathEscape(canary), "CaNaRy-cli"}
	check := func(r result) {
		t.Helper()
		for _, f := range forms {
			require.NotContains(t, r.stdout+r.stderr, f)
		}
	}
	wrong := entryFile(t, fmt.Sprintf(`{"LOCATION": "redis://%s/0", "OPTIONS": {"CLIENT_CLASS": "ansible_base.lib.redis.RedisClient", "CLIENT_CLASS_KWARGS": {"username": %q, "password": %q}}}`,
		acl, need(t, "RC_TEST_ACL_USER"), canary))
	for _, args := range [][]string{{"get", "k"}, {"set", "k", `"v"`}, {"health"}, {"health", "--json"}, {"ttl", "k"}, {"incr", "k"}, {"resolve"},
		{"delete", "k"}, {"keys"}, {"keys", "--full"}, {"clear"}, {"clear", "--yes"}, {"stats"}, {"stats", "--json"}} {
		r := cli(t, "", nil, append([]string{"--entry", wrong}, args...)...)
		check(r)
		if args[0] != "resolve" {
			require.NotEqual(t, exitOK, r.code, "%v with a wrong password", args)
		}
	}
	for name := range commands {
		r := cli(t, "", nil, "--entry", wrong, name, "--help")
		require.Equal(t, exitOK, r.code, name)
		check(r)
	}
	r := cli(t, "", nil, "--entry", wrong, "resolve", "--show-password")
	require.Equal(t, exitOK, r.code)
	require.Contains(t, r.stdout, `"password": "CaNaRy-cli/p@ss"`)

	// Malformed LOCATIONs holding the password.
	for _, loc := range []string{"rcuser:" + canary + "@127.0.0.1:6379", "redis://:" + canary + "@127.0.0.1:notaport/0"} {
		f := entryFile(t, fmt.Sprintf(`{"LOCATION": %q}`, loc))
		for _, args := range [][]string{{"get", "k"}, {"health"}, {"resolve"}, {"keys"}, {"clear", "--yes"}, {"stats"}} {
			r := cli(t, "", nil, append([]string{"--entry", f}, args...)...)
			require.Equal(t, exitUsage, r.code, "%v: %s", args, r.stderr)
			check(r)
		}
	}
}

// A value the Django service wrote (the real Django with django-redis and
// django-ansible-base's client, in the project's venv) reads back as the
// service's value, and one written here reads in Django.
func TestValuesSharedWithDjango(t *testing.T) {
	python := need(t, "RC_TEST_PYTHON")
	prefix := fmt.Sprintf("cli-django-%d", time.Now().UnixNano())
	location := "redis://" + need(t, "RC_TEST_STANDALONE") + "/0"
	django := func(code string) string {
		t.Helper()
		script := fmt.Sprintf(`
import datetime, decimal, django, uuid
from django.conf import settings
settings.configure(CACHES={"default": {
    "BACKEND": "django_redis.cache.RedisCache", "LOCATION": %q, "KEY_PREFIX": %q,
    "OPTIONS": {"CLIENT_CLASS": "ansible_base.lib.redis.RedisClient"}}})
django.setup()
from django.core.cache import cache
%s`, location, prefix, code)
		out, err := exec.Command(python, "-c", script).CombinedOutput()
		require.NoError(t, err, "%s", out)
		return string(out)
	}
	django(`cache.set("job", {"when": datetime.datetime(2026, 1, 2, 3, 4, 5), "tags": ("a", "b"),
    "size": decimal.Decimal("1.50"), "blob": b"\x00\xff", "id": uuid.UUID(int=7), "n": [1, 2.5, None, True]}, 60)`)
	f := entryFile(t, standaloneEntry(t, prefix))
	r := cli(t, "", nil, "--entry", f, "get", "job")
	require.Equal(t, exitOK, r.code, r.stderr)
	require.JSONEq(t, `{"when": {"$datetime": "2026-01-02T03:04:05"}, "tags": {"$tuple": ["a", "b"]},
		"size": {"$decimal": "1.50"}, "blob": {"$bytes": "AP8="}, "id": {"$uuid": "00000000-0000-0000-0000-000000000007"},
		"n": [1, 2.5, null, true]}`, r.stdout)

	r = cli(t, "", nil, "--entry", f, "set", "reply", `{"ok": {"$set": [1, 2]}, "at": {"$date": "2026-12-02"}}`)
	require.Equal(t, exitOK, r.code, r.stderr)
	got := django(`print(repr(cache.get("reply")))`)
	require.Equal(t, "{'ok': {1, 2}, 'at': datetime.date(2026, 12, 2)}\n", got)
	django(`cache.delete_many(["job", "reply"])`)
}
