package core_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/redisclient/redisclient/core"
)

// The benchmarks run core beside a plain go-redis client on the same server
// and keys, so that ratios come from one run: `make bench`.

type benchTarget struct {
	name  string
	entry func(b *testing.B) core.Entry
	raw   func(b *testing.B) redis.UniversalClient
}

func (t benchTarget) cache(b *testing.B) *core.Cache { return open(b, t.entry(b)) }

func benchTargets() []benchTarget {
	return []benchTarget{
		{"standalone",
			func(b *testing.B) core.Entry {
				return entry("redis://"+env(b, "RC_TEST_STANDALONE"), "bench", nil)
			},
			func(b *testing.B) redis.UniversalClient {
				c := redis.NewClient(&redis.Options{Addr: env(b, "RC_TEST_STANDALONE"), DisableIdentity: true})
				b.Cleanup(func() { c.Close() })
				return c
			}},
		// Through the sentinels to their master, beside go-redis's plain
		// client on that master: what the failover client costs per call.
		{"sentinel",
			func(b *testing.B) core.Entry { return sentinelEntry(b, plainSentinels, "bench", "") },
			func(b *testing.B) redis.UniversalClient {
				c := redis.NewClient(&redis.Options{Addr: env(b, "RC_TEST_SENTINEL_PRIMARY"), DisableIdentity: true})
				b.Cleanup(func() { c.Close() })
				return c
			}},
		{"cluster",
			func(b *testing.B) core.Entry {
				return entry("redis://"+firstHost(b, "RC_TEST_CLUSTER"), "bench",
					map[string]any{"mode": "cluster", "redis_hosts": env(b, "RC_TEST_CLUSTER")})
			},
			func(b *testing.B) redis.UniversalClient {
				c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: strings.Split(env(b, "RC_TEST_CLUSTER"), ","), DisableIdentity: true})
				b.Cleanup(func() { c.Close() })
				return c
			}},
	}
}

var benchValue = []byte(strings.Repeat("v", 100))

func BenchmarkGet(b *testing.B) {
	ctx := context.Background()
	for _, t := range benchTargets() {
		c, raw := t.cache(b), t.raw(b)
		if err := c.Set(ctx, "k", benchValue, core.NeverExpire); err != nil {
			b.Fatal(err)
		}
		b.Run(t.name+"/core", func(b *testing.B) {
			for b.Loop() {
				if _, ok, err := c.Get(ctx, "k"); err != nil || !ok {
					b.Fatal(err, ok)
				}
			}
		})
		b.Run(t.name+"/go-redis", func(b *testing.B) {
			key := c.MakeKey("k")
			for b.Loop() {
				if _, err := raw.Get(ctx, key).Bytes(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSet(b *testing.B) {
	ctx := context.Background()
	for _, t := range benchTargets() {
		c, raw := t.cache(b), t.raw(b)
		b.Run(t.name+"/core", func(b *testing.B) {
			for b.Loop() {
				if err := c.Set(ctx, "k", benchValue, core.DefaultExpiry); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(t.name+"/go-redis", func(b *testing.B) {
			key := c.MakeKey("k")
			for b.Loop() {
				if err := raw.Set(ctx, key, benchValue, 300e9).Err(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGetMany compares core's get_many with go-redis doing the same
// job by hand (prefix the keys, one MGET on a standalone server or a
// pipeline of GETs that go-redis groups per node on a cluster, collect the
// values found), and with the floor: the same command on keys prefixed
// beforehand, results left as go-redis returns them. Running both targets
// puts the cluster beside a standalone MGET of the same keys.
func BenchmarkGetMany(b *testing.B) {
	ctx := context.Background()
	for _, t := range benchTargets() {
		c, raw := t.cache(b), t.raw(b)
		_, isCluster := raw.(*redis.ClusterClient)
		for _, n := range []int{100, 1000} {
			keys := make([]string, n)
			full := make([]string, n)
			items := make(map[string][]byte, n)
			for i := range keys {
				keys[i] = fmt.Sprintf("many-%d", i)
				full[i] = c.MakeKey(keys[i])
				items[keys[i]] = benchValue
			}
			if err := c.SetMany(ctx, items, core.NeverExpire); err != nil {
				b.Fatal(err)
			}
			b.Run(fmt.Sprintf("%s/%d/core", t.name, n), func(b *testing.B) {
				for b.Loop() {
					m, err := c.GetMany(ctx, keys)
					if err != nil || len(m) != n {
						b.Fatal(err, len(m))
					}
				}
			})
			b.Run(fmt.Sprintf("%s/%d/go-redis", t.name, n), func(b *testing.B) {
				for b.Loop() {
					if m := rawGetMany(b, raw, isCluster, c.MakeKey(""), keys); len(m) != n {
						b.Fatal(len(m))
					}
				}
			})
			b.Run(fmt.Sprintf("%s/%d/go-redis-floor", t.name, n), func(b *testing.B) {
				for b.Loop() {
					rawFloor(b, raw, isCluster, full)
				}
			})
		}
	}
}

// rawGetMany is get_many written with go-redis alone.
func rawGetMany(b *testing.B, raw redis.UniversalClient, isCluster bool, head string, keys []string) map[string][]byte {
	ctx := context.Background()
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = head + k
	}
	found := make(map[string][]byte, len(keys))
	if !isCluster {
		values, err := raw.MGet(ctx, full...).Result()
		if err != nil {
			b.Fatal(err)
		}
		for i, v := range values {
			if s, ok := v.(string); ok {
				found[keys[i]] = []byte(s)
			}
		}
		return found
	}
	pipe := raw.Pipeline()
	cmds := make([]*redis.StringCmd, len(full))
	for i, k := range full {
		cmds[i] = pipe.Get(ctx, k)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		b.Fatal(err)
	}
	for i, cmd := range cmds {
		if v, err := cmd.Bytes(); err == nil {
			found[keys[i]] = v
		}
	}
	return found
}

func rawFloor(b *testing.B, raw redis.UniversalClient, isCluster bool, full []string) {
	ctx := context.Background()
	if !isCluster {
		if _, err := raw.MGet(ctx, full...).Result(); err != nil {
			b.Fatal(err)
		}
		return
	}
	pipe := raw.Pipeline()
	for _, k := range full {
		pipe.Get(ctx, k)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkBusyPoll runs core with OPTIONS.BUSY_POLL at its default and off,
// from a goroutine locked to its thread, as every call through the C ABI is.
func BenchmarkBusyPoll(b *testing.B) {
	ctx := context.Background()
	keys := make([]string, 100)
	items := make(map[string][]byte, len(keys))
	for i := range keys {
		keys[i] = fmt.Sprintf("poll-%d", i)
		items[keys[i]] = benchValue
	}
	for _, t := range benchTargets() {
		for _, poll := range []struct {
			name  string
			value any
		}{{"default", nil}, {"off", 0}} {
			e := t.entry(b)
			e.Options.BusyPoll = poll.value
			c := open(b, e)
			if err := c.SetMany(ctx, items, core.NeverExpire); err != nil {
				b.Fatal(err)
			}
			b.Run(t.name+"/get/busy-poll-"+poll.name, func(b *testing.B) {
				onLockedThread(b, func() error { _, _, err := c.Get(ctx, keys[0]); return err })
			})
			b.Run(t.name+"/get_many-100/busy-poll-"+poll.name, func(b *testing.B) {
				onLockedThread(b, func() error { _, err := c.GetMany(ctx, keys); return err })
			})
		}
	}
}

func onLockedThread(b *testing.B, op func() error) {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		for b.Loop() {
			if err := op(); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
}
