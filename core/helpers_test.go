package core_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redisclient/redisclient/core"
)

// The servers come from testenv/redis-env.sh, which exports where they
// listen. A test that needs one fails without it: a skipped server test
// would pass CI with nothing tested.
func env(t testing.TB, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Fatalf("%s is not set: run the tests through testenv/with-redis.sh (make test)", name)
	}
	return v
}

// cert is a file of the test CA's set.
func cert(t testing.TB, name string) string {
	return filepath.Join(env(t, "RC_TEST_CERTS"), name)
}

// clusterHosts is the redis_hosts value for a cluster's variable.
func clusterHosts(t testing.TB, name string) string { return env(t, name) }

// firstHost is the first address of a comma-separated list.
func firstHost(t testing.TB, name string) string {
	first, _, _ := strings.Cut(env(t, name), ",")
	return first
}

// tlsKwargs are the client-certificate settings every TLS server requires.
func tlsKwargs(t testing.TB) map[string]any {
	return map[string]any{
		"ssl":          true,
		"ssl_certfile": cert(t, "client.crt"),
		"ssl_keyfile":  cert(t, "client.key"),
		"ssl_ca_certs": cert(t, "ca.crt"),
	}
}

// kw are keyword arguments, as CLIENT_CLASS_KWARGS holds them.
type kw = map[string]any

// entry builds a CACHES entry; prefix should be unique per test so tests can
// share servers.
func entry(location, prefix string, kwargs map[string]any) core.Entry {
	return core.Entry{
		Location:  location,
		KeyPrefix: prefix,
		Options:   core.EntryOptions{ClientClass: "ansible_base.lib.redis.RedisClient", ClientClassKwargs: kwargs},
	}
}

// open opens a cache and closes it when the test ends.
func open(t testing.TB, e core.Entry) *core.Cache {
	t.Helper()
	c, err := core.Open(e)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// Server kinds every cache test runs on.
type serverKind struct {
	name  string
	entry func(t testing.TB, prefix string) core.Entry
}

func serverKinds() []serverKind {
	return []serverKind{
		{"standalone", func(t testing.TB, p string) core.Entry {
			return entry("redis://"+env(t, "RC_TEST_STANDALONE")+"/0", p, nil)
		}},
		{"unix", func(t testing.TB, p string) core.Entry {
			return entry("unix://"+env(t, "RC_TEST_UNIX")+"?db=0", p, nil)
		}},
		{"standalone-no-busy-poll", func(t testing.TB, p string) core.Entry {
			e := entry("redis://"+env(t, "RC_TEST_STANDALONE")+"/0", p, nil)
			e.Options.BusyPoll = 0
			return e
		}},
		{"acl", func(t testing.TB, p string) core.Entry {
			return entry("redis://"+env(t, "RC_TEST_ACL"), p, map[string]any{
				"username": env(t, "RC_TEST_ACL_USER"), "password": env(t, "RC_TEST_ACL_PASSWORD"),
			})
		}},
		{"tls", func(t testing.TB, p string) core.Entry {
			return entry("rediss://"+env(t, "RC_TEST_TLS"), p, tlsKwargs(t))
		}},
		// DefaultClient through SentinelConnectionFactory: every call to the
		// master the sentinels name (SentinelClient's replica reads would
		// race the replication that read-after-write tests rely on).
		{"sentinel", func(t testing.TB, p string) core.Entry {
			return sentinelEntry(t, plainSentinels, p, "")
		}},
		{"cluster", func(t testing.TB, p string) core.Entry {
			return entry("redis://"+firstHost(t, "RC_TEST_CLUSTER"), p, map[string]any{
				"mode": "cluster", "redis_hosts": clusterHosts(t, "RC_TEST_CLUSTER"),
			})
		}},
		{"tls-cluster", func(t testing.TB, p string) core.Entry {
			kw := tlsKwargs(t)
			kw["clustered"] = true
			kw["clustered_hosts"] = clusterHosts(t, "RC_TEST_TLS_CLUSTER")
			return entry("rediss://"+firstHost(t, "RC_TEST_TLS_CLUSTER"), p, kw)
		}},
	}
}
