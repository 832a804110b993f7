package core_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"maps"
	"math"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
	"github.com/redisclient/redisclient/core"
	"github.com/stretchr/testify/require"
)

// The expectations below are django-redis's DefaultClient (client/default.py)
// read operation by operation; where we differ on purpose (clear never
// flushes, incr of a non-integer is ErrNotInteger) the test says so.

// nonce makes prefixes unique per run, so leftovers of an earlier run, or
// another helper's keys on the shared servers, cannot change a count.
func ctNonce(t testing.TB) string {
	var b [4]byte
	_, err := rand.Read(b[:])
	require.NoError(t, err)
	return fmt.Sprintf("%x", b)
}

// eachServer runs fn on every server kind with a prefix of its own.
func ctEachServer(t *testing.T, name string, fn func(t *testing.T, k serverKind, prefix string)) {
	for _, k := range serverKinds() {
		t.Run(k.name, func(t *testing.T) { fn(t, k, "ct-"+name+"-"+ctNonce(t)) })
	}
}

// openCleared opens a cache whose keys are removed when the test ends.
func ctOpenCleared(t *testing.T, e core.Entry) *core.Cache {
	c := open(t, e)
	t.Cleanup(func() { _, _ = c.Clear(context.Background()) }) // runs before open's Close
	return c
}

// withKwargs copies an entry with extra CLIENT_CLASS_KWARGS.
func ctWithKwargs(e core.Entry, kw map[string]any) core.Entry {
	merged := maps.Clone(e.Options.ClientClassKwargs)
	if merged == nil {
		merged = map[string]any{}
	}
	maps.Copy(merged, kw)
	e.Options.ClientClassKwargs = merged
	return e
}

// pttl reads a key's PTTL past the cache: -1 no timeout, -2 no key.
func ctPttl(t testing.TB, c *core.Cache, fullKey string) int64 {
	t.Helper()
	n, err := c.Client().Do(context.Background(), "pttl", fullKey).Int64()
	require.NoError(t, err)
	return n
}

// requireTTLNear checks a remaining lifetime of ms against a timeout just
// set: at most the timeout, and not more than a slow shared machine's
// seconds below it.
func ctRequireTTLNear(t testing.TB, want time.Duration, ms int64) {
	t.Helper()
	require.LessOrEqual(t, ms, want.Milliseconds())
	require.Greater(t, ms, (want - 5*time.Second).Milliseconds())
}

// rawGet reads a full key past the cache; ok is false when it is absent.
func ctRawGet(t testing.TB, c *core.Cache, fullKey string) (string, bool) {
	t.Helper()
	v, err := c.Client().Get(context.Background(), fullKey).Result()
	if errors.Is(err, redis.Nil) {
		return "", false
	}
	require.NoError(t, err)
	return v, true
}

// primaries maps each primary's address to fn's result on it (the single
// server outside a cluster).
func ctPrimaries(t testing.TB, c *core.Cache, fn func(ctx context.Context, node *redis.Client) int) map[string]int {
	t.Helper()
	ctx := context.Background()
	cc, ok := c.Client().(*redis.ClusterClient)
	if !ok {
		node := c.Client().(*redis.Client)
		return map[string]int{node.Options().Addr: fn(ctx, node)}
	}
	var mu sync.Mutex
	out := map[string]int{}
	require.NoError(t, cc.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
		n := fn(ctx, node)
		mu.Lock()
		defer mu.Unlock()
		out[node.Options().Addr] = n
		return nil
	}))
	return out
}

// countMatching counts a primary's keys matching a glob pattern.
func ctCountMatching(pattern string) func(ctx context.Context, node *redis.Client) int {
	return func(ctx context.Context, node *redis.Client) int {
		n := 0
		iter := node.Scan(ctx, 0, pattern, 1000).Iterator()
		for iter.Next(ctx) {
			n++
		}
		if iter.Err() != nil {
			return -1 // fails any count check
		}
		return n
	}
}

// owners is the set of primaries holding the full keys (one outside a
// cluster).
func ctOwners(t testing.TB, c *core.Cache, fullKeys []string) map[string]bool {
	t.Helper()
	cc, ok := c.Client().(*redis.ClusterClient)
	if !ok {
		return map[string]bool{c.Client().(*redis.Client).Options().Addr: true}
	}
	out := map[string]bool{}
	for _, k := range fullKeys {
		node, err := cc.MasterForKey(context.Background(), k)
		require.NoError(t, err)
		out[node.Options().Addr] = true
	}
	return out
}

func ctNumbered(format string, n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf(format, i)
	}
	return keys
}

func TestCacheKeyFunction(t *testing.T) {
	// Django's default_key_func, with no I/O: an empty prefix still leads
	// with its colon.
	require.Equal(t, ":1:k", open(t, entry("redis://127.0.0.1:1", "", nil)).MakeKey("k"))

	ctEachServer(t, "keyfn", func(t *testing.T, k serverKind, prefix string) {
		ctx := context.Background()
		c := ctOpenCleared(t, k.entry(t, prefix))
		require.Equal(t, prefix+":1:user", c.MakeKey("user"))
		require.NoError(t, c.Set(ctx, "user", []byte("v1"), core.DefaultExpiry))
		raw, ok := ctRawGet(t, c, prefix+":1:user")
		require.True(t, ok, "the key written is not PREFIX:1:key")
		require.Equal(t, "v1", raw)

		v2 := c.Version(2)
		require.Equal(t, prefix+":2:user", v2.MakeKey("user"))
		_, hit, err := v2.Get(ctx, "user")
		require.NoError(t, err)
		require.False(t, hit, "version 2 sees version 1's value")
		require.NoError(t, v2.Set(ctx, "user", []byte("v2"), core.DefaultExpiry))
		raw, ok = ctRawGet(t, c, prefix+":2:user")
		require.True(t, ok)
		require.Equal(t, "v2", raw)
		got, _, err := c.Get(ctx, "user")
		require.NoError(t, err)
		require.Equal(t, "v1", string(got), "writing version 2 changed version 1")
		deleted, err := v2.Delete(ctx, "user")
		require.NoError(t, err)
		require.True(t, deleted)
		has, err := c.HasKey(ctx, "user")
		require.NoError(t, err)
		require.True(t, has, "deleting version 2 deleted version 1")

		e := k.entry(t, prefix)
		seven := 7
		e.Version = &seven
		c7 := open(t, e)
		require.Equal(t, prefix+":7:user", c7.MakeKey("user"))
		require.NoError(t, c7.Set(ctx, "user", []byte("v7"), core.DefaultExpiry))
		raw, ok = ctRawGet(t, c, prefix+":7:user")
		require.True(t, ok, "entry VERSION 7 not in the key")
		require.Equal(t, "v7", raw)
		got, _, err = c7.Version(1).Get(ctx, "user")
		require.NoError(t, err)
		require.Equal(t, "v1", string(got))
	})
}

func TestCacheExpiry(t *testing.T) {
	never, sixty := core.NeverExpire, core.ExpireSeconds(60)
	lifetimes := []struct {
		name   string
		entry  *core.Expiry // the entry's TIMEOUT; nil leaves Django's 300 s
		expiry core.Expiry
		want   time.Duration // -1: no timeout
	}{
		{"default is 300 s", nil, core.DefaultExpiry, 300 * time.Second},
		{"entry TIMEOUT", &sixty, core.DefaultExpiry, 60 * time.Second},
		{"entry TIMEOUT None", &never, core.DefaultExpiry, -1},
		{"never", nil, core.NeverExpire, -1},
		{"10 s", nil, core.ExpireSeconds(10), 10 * time.Second},
		{"call beats entry", &sixty, core.ExpireSeconds(10), 10 * time.Second},
		{"never beats entry", &sixty, core.NeverExpire, -1},
	}
	// django-redis: int(timeout * 1000) <= 0 deletes on set, writes nothing
	// on add.
	zero := core.ExpireSeconds(0)
	expiredAtOnce := []struct {
		name   string
		entry  *core.Expiry
		expiry core.Expiry
	}{
		{"0", nil, core.ExpireSeconds(0)},
		{"negative", nil, core.ExpireSeconds(-5)},
		{"under a millisecond", nil, core.ExpireAfter(500 * time.Microsecond)},
		{"entry TIMEOUT 0", &zero, core.DefaultExpiry},
	}
	ctEachServer(t, "expiry", func(t *testing.T, k serverKind, prefix string) {
		ctx := context.Background()
		for i, tc := range lifetimes {
			e := k.entry(t, fmt.Sprintf("%s-%d", prefix, i))
			if tc.entry != nil {
				e.Timeout = *tc.entry
			}
			c := ctOpenCleared(t, e)
			require.NoError(t, c.Set(ctx, "set", []byte("x"), tc.expiry), tc.name)
			added, err := c.Add(ctx, "add", []byte("x"), tc.expiry)
			require.NoError(t, err, tc.name)
			require.True(t, added, tc.name)
			for _, key := range []string{"set", "add"} {
				ms := ctPttl(t, c, c.MakeKey(key))
				if tc.want < 0 {
					require.EqualValues(t, -1, ms, "%s: %s has a timeout", tc.name, key)
				} else {
					ctRequireTTLNear(t, tc.want, ms)
				}
			}
		}
		for i, tc := range expiredAtOnce {
			e := k.entry(t, fmt.Sprintf("%s-z%d", prefix, i))
			if tc.entry != nil {
				e.Timeout = *tc.entry
			}
			c := ctOpenCleared(t, e)
			require.NoError(t, c.Set(ctx, "existing", []byte("old"), core.NeverExpire))
			require.NoError(t, c.Set(ctx, "existing", []byte("new"), tc.expiry), tc.name)
			_, ok := ctRawGet(t, c, c.MakeKey("existing"))
			require.False(t, ok, "%s: set did not delete the key", tc.name)
			require.NoError(t, c.Set(ctx, "absent", []byte("new"), tc.expiry), tc.name)
			_, ok = ctRawGet(t, c, c.MakeKey("absent"))
			require.False(t, ok, "%s: set wrote a key that expires at once", tc.name)

			added, err := c.Add(ctx, "absent", []byte("new"), tc.expiry)
			require.NoError(t, err)
			require.True(t, added, "%s: add reports whether the key was absent", tc.name)
			_, ok = ctRawGet(t, c, c.MakeKey("absent"))
			require.False(t, ok, "%s: add wrote a key that expires at once", tc.name)

			require.NoError(t, c.Set(ctx, "kept", []byte("old"), core.NeverExpire))
			added, err = c.Add(ctx, "kept", []byte("new"), tc.expiry)
			require.NoError(t, err)
			require.False(t, added, tc.name)
			raw, ok := ctRawGet(t, c, c.MakeKey("kept"))
			require.True(t, ok, "%s: add deleted an existing key", tc.name)
			require.Equal(t, "old", raw)
			require.EqualValues(t, -1, ctPttl(t, c, c.MakeKey("kept")))
		}
	})
}

func TestCacheAddDeleteHasKey(t *testing.T) {
	ctEachServer(t, "add", func(t *testing.T, k serverKind, prefix string) {
		ctx := context.Background()
		c := ctOpenCleared(t, k.entry(t, prefix))
		added, err := c.Add(ctx, "k", []byte("first"), core.NeverExpire)
		require.NoError(t, err)
		require.True(t, added)
		added, err = c.Add(ctx, "k", []byte("second"), core.ExpireSeconds(10))
		require.NoError(t, err)
		require.False(t, added)
		got, hit, err := c.Get(ctx, "k")
		require.NoError(t, err)
		require.True(t, hit)
		require.Equal(t, "first", string(got), "a failed add changed the value")
		require.EqualValues(t, -1, ctPttl(t, c, c.MakeKey("k")), "a failed add changed the timeout")

		has, err := c.HasKey(ctx, "k")
		require.NoError(t, err)
		require.True(t, has)
		deleted, err := c.Delete(ctx, "k")
		require.NoError(t, err)
		require.True(t, deleted)
		deleted, err = c.Delete(ctx, "k")
		require.NoError(t, err)
		require.False(t, deleted)
		has, err = c.HasKey(ctx, "k")
		require.NoError(t, err)
		require.False(t, has)
		_, hit, err = c.Get(ctx, "k")
		require.NoError(t, err)
		require.False(t, hit)
	})
}

func TestCacheMany(t *testing.T) {
	ctEachServer(t, "many", func(t *testing.T, k serverKind, prefix string) {
		ctx := context.Background()
		c := ctOpenCleared(t, k.entry(t, prefix))
		// 60 keys spread over every slot range of a cluster; the even ones exist.
		keys := ctNumbered("key-%02d", 60)
		present := map[string][]byte{}
		for i, key := range keys {
			if i%2 == 0 {
				present[key] = fmt.Appendf(nil, "value-%d", i)
			}
		}
		full := make([]string, 0, len(present))
		for key := range present {
			full = append(full, c.MakeKey(key))
		}
		allPrimaries := ctPrimaries(t, c, func(context.Context, *redis.Client) int { return 0 })
		require.ElementsMatch(t, slices.Collect(maps.Keys(allPrimaries)), slices.Collect(maps.Keys(ctOwners(t, c, full))),
			"the keys do not reach every primary")

		require.NoError(t, c.SetMany(ctx, present, core.ExpireSeconds(20)))
		for _, fk := range full {
			ctRequireTTLNear(t, 20*time.Second, ctPttl(t, c, fk))
		}
		got, err := c.GetMany(ctx, keys)
		require.NoError(t, err)
		require.Equal(t, present, got, "get_many must return exactly the keys that exist")

		require.NoError(t, c.SetMany(ctx, present, core.DefaultExpiry))
		ctRequireTTLNear(t, 300*time.Second, ctPttl(t, c, full[0]))
		require.NoError(t, c.SetMany(ctx, present, core.NeverExpire))
		require.EqualValues(t, -1, ctPttl(t, c, full[0]))

		got, err = c.GetMany(ctx, nil)
		require.NoError(t, err)
		require.Empty(t, got)

		n, err := c.DeleteMany(ctx, keys)
		require.NoError(t, err)
		require.EqualValues(t, len(present), n, "delete_many counts the keys that existed")
		got, err = c.GetMany(ctx, keys)
		require.NoError(t, err)
		require.Empty(t, got)
		n, err = c.DeleteMany(ctx, keys)
		require.NoError(t, err)
		require.Zero(t, n)

		// set_many with an expired timeout deletes, as set does.
		require.NoError(t, c.SetMany(ctx, present, core.NeverExpire))
		require.NoError(t, c.SetMany(ctx, present, core.ExpireSeconds(0)))
		got, err = c.GetMany(ctx, keys)
		require.NoError(t, err)
		require.Empty(t, got)
	})
}

func TestCacheIncrDecr(t *testing.T) {
	ctEachServer(t, "incr", func(t *testing.T, k serverKind, prefix string) {
		ctx := context.Background()
		c := ctOpenCleared(t, k.entry(t, prefix))

		_, err := c.Incr(ctx, "missing", 1)
		require.ErrorIs(t, err, core.ErrNotFound)
		_, err = c.Decr(ctx, "missing", 1)
		require.ErrorIs(t, err, core.ErrNotFound)
		has, err := c.HasKey(ctx, "missing")
		require.NoError(t, err)
		require.False(t, has, "incr of a missing key created it")

		require.NoError(t, c.Set(ctx, "n", []byte("41"), core.ExpireSeconds(100)))
		n, err := c.Incr(ctx, "n", 1)
		require.NoError(t, err)
		require.EqualValues(t, 42, n)
		n, err = c.Decr(ctx, "n", 5)
		require.NoError(t, err)
		require.EqualValues(t, 37, n)
		n, err = c.Incr(ctx, "n", -40)
		require.NoError(t, err)
		require.EqualValues(t, -3, n)
		got, _, err := c.Get(ctx, "n")
		require.NoError(t, err)
		require.Equal(t, "-3", string(got), "integers are stored as their digits")
		ctRequireTTLNear(t, 100*time.Second, ctPttl(t, c, c.MakeKey("n")))

		require.NoError(t, c.Set(ctx, "forever", []byte("1"), core.NeverExpire))
		_, err = c.Incr(ctx, "forever", 1)
		require.NoError(t, err)
		require.EqualValues(t, -1, ctPttl(t, c, c.MakeKey("forever")), "incr gave a timeout")

		// django-redis falls back to get+set on these; we refuse instead.
		for _, v := range []string{"abc", "1.5", "9223372036854775807", "\x00"} {
			require.NoError(t, c.Set(ctx, "bad", []byte(v), core.DefaultExpiry))
			_, err = c.Incr(ctx, "bad", 1)
			require.ErrorIs(t, err, core.ErrNotInteger, "value %q", v)
			got, _, err = c.Get(ctx, "bad")
			require.NoError(t, err)
			require.Equal(t, v, string(got), "a failed incr changed the value")
		}
	})
}

func TestCacheTTLTouchPersistExpire(t *testing.T) {
	ctEachServer(t, "ttl", func(t *testing.T, k serverKind, prefix string) {
		ctx := context.Background()
		c := ctOpenCleared(t, k.entry(t, prefix))
		ttl, err := c.TTL(ctx, "missing")
		require.NoError(t, err)
		require.Zero(t, ttl)

		require.NoError(t, c.Set(ctx, "k", []byte("v"), core.NeverExpire))
		ttl, err = c.TTL(ctx, "k")
		require.NoError(t, err)
		require.Equal(t, core.TTLNever, ttl)
		touched, err := c.Touch(ctx, "k", core.NeverExpire)
		require.NoError(t, err)
		require.False(t, touched, "touch(None) is bool(PERSIST): false without a timeout")

		touched, err = c.Touch(ctx, "k", core.ExpireSeconds(50))
		require.NoError(t, err)
		require.True(t, touched)
		ttl, err = c.TTL(ctx, "k")
		require.NoError(t, err)
		ctRequireTTLNear(t, 50*time.Second, ttl.Milliseconds())
		touched, err = c.Touch(ctx, "k", core.DefaultExpiry)
		require.NoError(t, err)
		require.True(t, touched)
		ctRequireTTLNear(t, 300*time.Second, ctPttl(t, c, c.MakeKey("k")))
		touched, err = c.Touch(ctx, "k", core.NeverExpire)
		require.NoError(t, err)
		require.True(t, touched)
		require.EqualValues(t, -1, ctPttl(t, c, c.MakeKey("k")))

		for _, exp := range []core.Expiry{core.ExpireSeconds(10), core.NeverExpire} {
			touched, err = c.Touch(ctx, "missing", exp)
			require.NoError(t, err)
			require.False(t, touched)
		}
		ok, err := c.Expire(ctx, "missing", core.ExpireSeconds(10))
		require.NoError(t, err)
		require.False(t, ok)
		ok, err = c.Persist(ctx, "missing")
		require.NoError(t, err)
		require.False(t, ok)
		has, err := c.HasKey(ctx, "missing")
		require.NoError(t, err)
		require.False(t, has)

		ok, err = c.Expire(ctx, "k", core.ExpireSeconds(40))
		require.NoError(t, err)
		require.True(t, ok)
		ctRequireTTLNear(t, 40*time.Second, ctPttl(t, c, c.MakeKey("k")))
		ok, err = c.Persist(ctx, "k")
		require.NoError(t, err)
		require.True(t, ok)
		require.EqualValues(t, -1, ctPttl(t, c, c.MakeKey("k")))
		ok, err = c.Persist(ctx, "k")
		require.NoError(t, err)
		require.False(t, ok, "persist of a key without a timeout")

		// PEXPIRE 0 removes the key, as in django-redis.
		touched, err = c.Touch(ctx, "k", core.ExpireSeconds(0))
		require.NoError(t, err)
		require.True(t, touched)
		has, err = c.HasKey(ctx, "k")
		require.NoError(t, err)
		require.False(t, has)
	})
}

func TestCacheBinarySafe(t *testing.T) {
	items := map[string][]byte{
		"nul\x00inside":    {0, 1, 0, 2},
		"\xff\xfe\xc3(":    {0xff, 0xfe, 0xc3, 0x28},
		"ünïcödé key\n":    []byte("ünïcödé\x00value"),
		"trailing nul\x00": {},
	}
	ctEachServer(t, "binary", func(t *testing.T, k serverKind, prefix string) {
		ctx := context.Background()
		c := ctOpenCleared(t, k.entry(t, prefix))
		for key, value := range items {
			require.NoError(t, c.Set(ctx, key, value, core.DefaultExpiry))
			got, hit, err := c.Get(ctx, key)
			require.NoError(t, err)
			require.True(t, hit, "%q", key)
			require.Equal(t, value, got, "%q", key)
			raw, ok := ctRawGet(t, c, prefix+":1:"+key)
			require.True(t, ok, "%q not stored under its exact bytes", key)
			require.Equal(t, string(value), raw)
		}
		got, err := c.GetMany(ctx, slices.Collect(maps.Keys(items)))
		require.NoError(t, err)
		require.Len(t, got, len(items))
		for key, value := range items {
			require.Equal(t, value, got[key], "%q", key)
		}
	})
}

func TestCacheClear(t *testing.T) {
	for _, k := range serverKinds() {
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			id := ctNonce(t)
			// Glob characters in the prefix: unescaped, "ct-clear*?ID:*" would
			// also match the first neighbour.
			prefix := "ct-clear*?" + id
			neighbours := []string{"ct-clearOTHERx" + id, prefix + "x"}
			c := open(t, k.entry(t, prefix))

			keys := ctNumbered("key-%02d", 60)
			values := map[string][]byte{}
			for _, key := range keys {
				values[key] = []byte("v")
			}
			for _, v := range []int{1, 2, 3} {
				require.NoError(t, c.Version(v).SetMany(ctx, values, core.DefaultExpiry))
			}
			var others []*core.Cache
			for _, p := range neighbours {
				o := ctOpenCleared(t, k.entry(t, p))
				require.NoError(t, o.SetMany(ctx, values, core.DefaultExpiry))
				others = append(others, o)
			}
			unprefixed := ctNumbered("ct-clear-raw-"+id+"-%02d", 60)
			pipe := c.Client().Pipeline()
			for _, key := range unprefixed {
				pipe.Set(ctx, key, "v", 10*time.Minute)
			}
			_, err := pipe.Exec(ctx)
			require.NoError(t, err)
			t.Cleanup(func() {
				pipe := c.Client().Pipeline()
				for _, key := range unprefixed {
					pipe.Del(ctx, key)
				}
				_, _ = pipe.Exec(ctx)
			})

			neighbourPattern := "ct-clearOTHERx" + id + ":*"
			before := ctPrimaries(t, c, ctCountMatching(neighbourPattern))
			if _, cluster := c.Client().(*redis.ClusterClient); cluster {
				require.Len(t, before, 3, "expected 3 primaries")
			}
			for addr, n := range before {
				require.Positive(t, n, "primary %s holds none of the neighbour's keys", addr)
			}

			removed, err := c.Clear(ctx)
			require.NoError(t, err)
			require.EqualValues(t, 3*len(keys), removed, "clear counts every version's keys")

			for addr, n := range ctPrimaries(t, c, ctCountMatching("ct-clear[*][?]"+id+":*")) {
				require.Zero(t, n, "primary %s still holds this prefix's keys", addr)
			}
			require.Equal(t, before, ctPrimaries(t, c, ctCountMatching(neighbourPattern)),
				"clear removed another prefix's keys")
			for i, o := range others {
				got, err := o.GetMany(ctx, keys)
				require.NoError(t, err)
				require.Len(t, got, len(keys), "neighbour %q lost keys", neighbours[i])
			}
			pipe = c.Client().Pipeline()
			exists := make([]*redis.IntCmd, len(unprefixed))
			for i, key := range unprefixed {
				exists[i] = pipe.Exists(ctx, key)
			}
			_, err = pipe.Exec(ctx)
			require.NoError(t, err)
			for i, cmd := range exists {
				require.EqualValues(t, 1, cmd.Val(), "clear removed unprefixed key %q", unprefixed[i])
			}

			removed, err = c.Clear(ctx)
			require.NoError(t, err)
			require.Zero(t, removed)
		})
	}
}

func TestCacheClosed(t *testing.T) {
	ctEachServer(t, "closed", func(t *testing.T, k serverKind, prefix string) {
		ctx := context.Background()
		c, err := core.Open(k.entry(t, prefix))
		require.NoError(t, err)
		// A live pooled connection first, so Close has something to close.
		require.NoError(t, c.Set(ctx, "k", []byte("1"), core.ExpireSeconds(30)))
		require.NoError(t, c.Close())

		v := c.Version(2)
		ops := map[string]func() error{
			"get":         func() error { _, _, err := c.Get(ctx, "k"); return err },
			"set":         func() error { return c.Set(ctx, "k", []byte("v"), core.DefaultExpiry) },
			"add":         func() error { _, err := c.Add(ctx, "k", []byte("v"), core.DefaultExpiry); return err },
			"delete":      func() error { _, err := c.Delete(ctx, "k"); return err },
			"has_key":     func() error { _, err := c.HasKey(ctx, "k"); return err },
			"incr":        func() error { _, err := c.Incr(ctx, "k", 1); return err },
			"decr":        func() error { _, err := c.Decr(ctx, "k", 1); return err },
			"touch":       func() error { _, err := c.Touch(ctx, "k", core.ExpireSeconds(5)); return err },
			"expire":      func() error { _, err := c.Expire(ctx, "k", core.ExpireSeconds(5)); return err },
			"persist":     func() error { _, err := c.Persist(ctx, "k"); return err },
			"ttl":         func() error { _, err := c.TTL(ctx, "k"); return err },
			"get_many":    func() error { _, err := c.GetMany(ctx, []string{"k", "j"}); return err },
			"set_many":    func() error { return c.SetMany(ctx, map[string][]byte{"k": nil}, core.DefaultExpiry) },
			"delete_many": func() error { _, err := c.DeleteMany(ctx, []string{"k", "j"}); return err },
			"clear":       func() error { _, err := c.Clear(ctx); return err },
			"health":      func() error { _, err := c.Health(ctx); return err },
			"version get": func() error { _, _, err := v.Get(ctx, "k"); return err },
			"close again": c.Close,
		}
		for name, op := range ops {
			require.ErrorIs(t, op(), core.ErrClosed, name)
		}
	})
}

// ctPrimaryFor is the client of the primary that owns fullKey (the server
// itself outside a cluster).
func ctPrimaryFor(t *testing.T, client redis.UniversalClient, fullKey string) *redis.Client {
	t.Helper()
	cc, ok := client.(*redis.ClusterClient)
	if !ok {
		return client.(*redis.Client)
	}
	node, err := cc.MasterForKey(context.Background(), fullKey)
	require.NoError(t, err)
	return node
}

// ctWarmPool leaves n established idle connections to fullKey's primary in
// the cache's pool: a resend then needs no new connection (whose handshake
// would time out while the server sleeps) and so would reach the server.
func ctWarmPool(t *testing.T, c *core.Cache, fullKey string, n int) {
	t.Helper()
	node := ctPrimaryFor(t, c.Client(), fullKey)
	conns := make([]*redis.Conn, n)
	for i := range conns {
		conns[i] = node.Conn()
		require.NoError(t, conns[i].Ping(context.Background()).Err())
	}
	for _, cn := range conns {
		require.NoError(t, cn.Close())
	}
}

// ctBlockPrimary makes the primary owning fullKey sleep for d, through a
// cache of its own, and returns once the sleep has begun.
func ctBlockPrimary(t *testing.T, e core.Entry, fullKey string, d time.Duration) <-chan error {
	t.Helper()
	ctx := context.Background()
	node := ctPrimaryFor(t, open(t, e).Client(), fullKey)
	require.NoError(t, node.Ping(ctx).Err()) // dial now, not during the sleep
	done := make(chan error, 1)
	go func() { done <- node.Do(ctx, "debug", "sleep", fmt.Sprint(d.Seconds())).Err() }()
	time.Sleep(150 * time.Millisecond) // for DEBUG SLEEP to reach the server first
	return done
}

// ctMonitor sees the commands a server runs on one key, through MONITOR on
// a plain connection of its own (independent of go-redis, which is under
// test here).
type ctMonitor struct {
	key   string
	lines chan string
}

func ctStartMonitor(t *testing.T, addr, fullKey string) *ctMonitor {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	_, err = conn.Write([]byte("MONITOR\r\n"))
	require.NoError(t, err)
	rd := bufio.NewReader(conn)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
	ok, err := rd.ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "+OK\r\n", ok)
	require.NoError(t, conn.SetReadDeadline(time.Time{}))
	m := &ctMonitor{key: strconv.Quote(fullKey), lines: make(chan string, 100)}
	go func() {
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				return
			}
			// Lines of other clients' keys are dropped; Lua's own calls too.
			if strings.Contains(line, " "+m.key) && !strings.Contains(line, " lua] ") {
				m.lines <- line
			}
		}
	}()
	return m
}

// commandsUntil returns the names of the commands run on the key up to and
// including the first one named last.
func (m *ctMonitor) commandsUntil(t *testing.T, last string) []string {
	t.Helper()
	var names []string
	timeout := time.After(5 * time.Second)
	for {
		select {
		case line := <-m.lines:
			_, rest, _ := strings.Cut(line, "] ")
			name, _, _ := strings.Cut(rest, " ")
			names = append(names, strings.ToLower(strings.Trim(name, `"`)))
			if names[len(names)-1] == last {
				return names
			}
		case <-timeout:
			t.Fatalf("MONITOR never showed %s on %s; saw %v", last, m.key, names)
		}
	}
}

func ctRequireTimeout(t *testing.T, err error) {
	t.Helper()
	require.ErrorIs(t, err, core.ErrConnection)
	var netErr net.Error
	require.True(t, errors.As(err, &netErr) && netErr.Timeout(), "not a timeout: %v", err)
}

// A read timeout leaves it unknown whether the server ran the command, so
// incr and add must not be resent: the server's MONITOR must show each
// exactly once.
func TestCacheNotResentAfterTimeout(t *testing.T) {
	for _, k := range serverKinds() {
		if k.name != "standalone" && k.name != "cluster" {
			continue
		}
		t.Run(k.name, func(t *testing.T) {
			ctx := context.Background()
			e := k.entry(t, "ct-noresend-"+ctNonce(t))
			c := ctOpenCleared(t, ctWithKwargs(e, map[string]any{"socket_timeout": 0.3}))
			prepare := func(t *testing.T, key string) (*ctMonitor, <-chan error) {
				full := c.MakeKey(key)
				ctWarmPool(t, c, full, 3)
				mon := ctStartMonitor(t, ctPrimaryFor(t, c.Client(), full).Options().Addr, full)
				return mon, ctBlockPrimary(t, e, full, time.Second)
			}

			t.Run("incr", func(t *testing.T) {
				require.NoError(t, c.Set(ctx, "n", []byte("10"), core.NeverExpire))
				_, err := c.Incr(ctx, "n", 1) // loads the script
				require.NoError(t, err)
				mon, done := prepare(t, "n")
				_, err = c.Incr(ctx, "n", 1)
				ctRequireTimeout(t, err)
				require.NoError(t, <-done)
				got, _, err := c.Get(ctx, "n")
				require.NoError(t, err)
				require.Equal(t, "12", string(got), "incr applied other than once")
				require.Equal(t, []string{"evalsha", "get"}, mon.commandsUntil(t, "get"))
			})
			t.Run("add", func(t *testing.T) {
				mon, done := prepare(t, "a")
				added, err := c.Add(ctx, "a", []byte("once"), core.NeverExpire)
				ctRequireTimeout(t, err)
				require.False(t, added)
				require.NoError(t, <-done)
				got, hit, err := c.Get(ctx, "a")
				require.NoError(t, err)
				require.True(t, hit)
				require.Equal(t, "once", string(got))
				require.Equal(t, []string{"set", "get"}, mon.commandsUntil(t, "get"))
			})
		})
	}
}

// clusterACLEntry is the cluster as its user without the COMMAND permission.
func ctClusterACLEntry(t testing.TB, prefix string) core.Entry {
	return entry("redis://"+firstHost(t, "RC_TEST_CLUSTER"), prefix, map[string]any{
		"mode": "cluster", "redis_hosts": clusterHosts(t, "RC_TEST_CLUSTER"),
		"username": env(t, "RC_TEST_CLUSTER_ACL_USER"), "password": env(t, "RC_TEST_CLUSTER_ACL_PASSWORD"),
	})
}

// ctKind is the server kind of that name.
func ctKind(t testing.TB, name string) serverKind {
	for _, k := range serverKinds() {
		if k.name == name {
			return k
		}
	}
	t.Fatalf("no server kind %q", name)
	return serverKind{}
}

// ctACLDenials sums the ACL LOG counts of a user's refused commands over
// every node of the cluster; the refusals stay invisible to the caller
// otherwise (go-redis only logs them).
func ctACLDenials(t *testing.T, admin *core.Cache, user string) int64 {
	t.Helper()
	var mu sync.Mutex
	var total int64
	err := admin.Client().(*redis.ClusterClient).ForEachShard(context.Background(), func(ctx context.Context, node *redis.Client) error {
		entries, err := node.Do(ctx, "acl", "log").Slice()
		if err != nil {
			return err
		}
		for _, e := range entries {
			fields := map[string]any{}
			switch e := e.(type) {
			case []any: // RESP2: name, value, name, value...
				for i := 0; i+1 < len(e); i += 2 {
					fields[fmt.Sprint(e[i])] = e[i+1]
				}
			case map[any]any:
				for k, v := range e {
					fields[fmt.Sprint(k)] = v
				}
			}
			if fields["username"] == user {
				n, _ := fields["count"].(int64)
				mu.Lock()
				total += n
				mu.Unlock()
			}
		}
		return nil
	})
	require.NoError(t, err)
	return total
}

func TestCacheClusterACLWithoutCommand(t *testing.T) {
	ctx := context.Background()
	prefix := "ct-nocmd-" + ctNonce(t)
	admin := open(t, ctKind(t, "cluster").entry(t, prefix))
	user := env(t, "RC_TEST_CLUSTER_ACL_USER")
	deniedBefore := ctACLDenials(t, admin, user)

	c := ctOpenCleared(t, ctClusterACLEntry(t, prefix))
	keys := ctNumbered("key-%02d", 60)
	values := map[string][]byte{}
	for _, key := range keys {
		values[key] = []byte("v")
		require.NoError(t, c.Set(ctx, key, values[key], core.DefaultExpiry))
	}
	got, _, err := c.Get(ctx, keys[0])
	require.NoError(t, err)
	require.Equal(t, "v", string(got))
	many, err := c.GetMany(ctx, append(keys, "missing"))
	require.NoError(t, err)
	require.Equal(t, values, many)
	require.NoError(t, c.Set(ctx, "n", []byte("1"), core.DefaultExpiry))
	n, err := c.Incr(ctx, "n", 1)
	require.NoError(t, err)
	require.EqualValues(t, 2, n)
	removed, err := c.Clear(ctx)
	require.NoError(t, err)
	require.EqualValues(t, len(keys)+1, removed)

	require.Equal(t, deniedBefore, ctACLDenials(t, admin, user),
		"the client sent commands the user may not run (COMMAND?)")
}

func TestCacheNewConnectionsLogNoError(t *testing.T) {
	logs := env(t, "RC_TEST_LOGS")
	var files []string
	_, port, _ := net.SplitHostPort(env(t, "RC_TEST_STANDALONE"))
	files = append(files, filepath.Join(logs, "standalone-"+port+".log"))
	for _, addr := range strings.Split(env(t, "RC_TEST_CLUSTER"), ",") {
		_, port, _ := net.SplitHostPort(addr)
		files = append(files, filepath.Join(logs, "cluster-"+port+".log"))
	}
	sizes := map[string]int64{}
	for _, f := range files {
		st, err := os.Stat(f)
		require.NoError(t, err)
		sizes[f] = st.Size()
	}

	ctx := context.Background()
	prefix := "ct-log-" + ctNonce(t)
	standalone := ctKind(t, "standalone").entry(t, prefix)
	probe := ctOpenCleared(t, standalone)
	connections := func() int64 {
		info, err := probe.Client().Info(ctx, "stats").Result()
		require.NoError(t, err)
		for _, line := range strings.Split(info, "\n") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), "total_connections_received:"); ok {
				var n int64
				_, err := fmt.Sscan(v, &n)
				require.NoError(t, err)
				return n
			}
		}
		t.Fatal("no total_connections_received in INFO")
		return 0
	}
	before := connections()
	// Redis logs nothing at loglevel notice for an error reply (such as the
	// one Redis before 7.2 gives go-redis's CLIENT SETINFO), but counts it.
	errorsBefore := ctErrorReplies(t, files)

	cluster := ctKind(t, "cluster").entry(t, prefix)
	for i := range 20 {
		for _, e := range []core.Entry{standalone, cluster, ctClusterACLEntry(t, prefix)} {
			c, err := core.Open(e)
			require.NoError(t, err)
			require.NoError(t, c.Set(ctx, fmt.Sprint("k", i), []byte("v"), core.ExpireSeconds(60)))
			_, err = c.Clear(ctx)
			require.NoError(t, err)
			require.NoError(t, c.Close())
		}
	}
	require.GreaterOrEqual(t, connections()-before, int64(20), "the caches did not open new connections")
	require.Equal(t, errorsBefore, ctErrorReplies(t, files), "the servers answered new connections with errors")
	time.Sleep(200 * time.Millisecond) // let the servers see the closes

	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, line := range strings.Split(string(data[sizes[f]:]), "\n") {
			bad := strings.Contains(strings.ToLower(line), "error") ||
				strings.Contains(line, "unknown command") || strings.Contains(line, "ERR")
			require.False(t, bad, "%s logged: %s", filepath.Base(f), line)
		}
	}
}

func TestCacheHealth(t *testing.T) {
	ctEachServer(t, "health", func(t *testing.T, k serverKind, prefix string) {
		c := open(t, k.entry(t, prefix))
		h, err := c.Health(context.Background())
		require.NoError(t, err)
		require.Equal(t, "good", h.Status, "%+v", h)
		require.Empty(t, h.Error)
		if c.Options().Mode != core.ModeCluster {
			require.Equal(t, c.Options().Mode, h.Mode) // standalone, or sentinel
			require.Equal(t, "PONG", h.Ping)
			return
		}
		require.Equal(t, core.ModeCluster, h.Mode)
		require.Equal(t, "ok", h.ClusterState)
		hostsVar := "RC_TEST_CLUSTER"
		if k.name == "tls-cluster" {
			hostsVar = "RC_TEST_TLS_CLUSTER"
		}
		want := strings.Split(env(t, hostsVar), ",")
		var addrs []string
		roles := map[string]int{}
		for _, n := range h.Nodes {
			addrs = append(addrs, n.Addr)
			require.NotContains(t, n.Flags, "fail", n.Addr)
			require.NotContains(t, n.Flags, "fail?", n.Addr)
			for _, role := range []string{"master", "slave"} {
				if slices.Contains(n.Flags, role) {
					roles[role]++
				}
			}
		}
		require.ElementsMatch(t, want, addrs)
		require.Equal(t, map[string]int{"master": 3, "slave": 3}, roles)
	})
}

// ctErrorReplies is total_error_replies of each server whose log is in
// files (named <server>-<port>.log), by port.
func ctErrorReplies(t *testing.T, files []string) map[string]int64 {
	t.Helper()
	counts := map[string]int64{}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".log")
		port := name[strings.LastIndexByte(name, '-')+1:]
		// go-redis's own handshake extras would be counted too: turn them off.
		rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + port, DisableIdentity: true,
			MaintNotificationsConfig: &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}})
		info, err := rdb.Info(context.Background(), "stats").Result()
		rdb.Close()
		require.NoError(t, err)
		for _, line := range strings.Split(info, "\n") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), "total_error_replies:"); ok {
				var n int64
				_, err := fmt.Sscan(v, &n)
				require.NoError(t, err)
				counts[port] = n
			}
		}
		require.Contains(t, counts, port, "no total_error_replies in INFO of %s", name)
	}
	return counts
}

// -MinInt64 does not exist: decr by it is refused, and nothing is written.
func TestCacheDecrMinInt64(t *testing.T) {
	ctx := context.Background()
	c := open(t, ctKind(t, "standalone").entry(t, "ct-decrmin-"+ctNonce(t)))
	require.NoError(t, c.Set(ctx, "n", []byte("5"), core.ExpireSeconds(60)))
	_, err := c.Decr(ctx, "n", math.MinInt64)
	require.ErrorIs(t, err, core.ErrNotInteger)
	v, ok, err := c.Get(ctx, "n")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "5", string(v))
}

// ctIndependent is a go-redis client of its own on the kind's server, for
// reading what Redis stores without the cache.
func ctIndependent(t *testing.T, name string) redis.UniversalClient {
	t.Helper()
	var rdb redis.UniversalClient
	switch name {
	case "standalone":
		rdb = redis.NewClient(&redis.Options{Addr: env(t, "RC_TEST_STANDALONE"), Protocol: 2})
	case "cluster":
		rdb = redis.NewClusterClient(&redis.ClusterOptions{Addrs: strings.Split(env(t, "RC_TEST_CLUSTER"), ","), Protocol: 2})
	default:
		t.Fatalf("no independent client for %q", name)
	}
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// incr and decr return the value Redis stores, to the last digit: past 2^53
// a Lua number (a double) would round it, and at 2^63-10 wrap to -2^63.
// Also after SCRIPT FLUSH, when the script's text is sent (NOSCRIPT).
func TestCacheIncrExact(t *testing.T) {
	for _, name := range []string{"standalone", "cluster"} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			c := ctOpenCleared(t, ctKind(t, name).entry(t, "ct-exact-"+ctNonce(t)))
			other := ctIndependent(t, name)
			const p53 = int64(1) << 53
			for i, tc := range []struct {
				value int64
				decr  bool
				delta int64
			}{
				{p53, false, 1},
				{p53 - 1, false, 2},
				{-p53, true, 1},
				{p53 + 1, true, 2},
				{math.MaxInt64 - 10, false, 1},
				{math.MaxInt64 - 1, false, 1},
				{math.MinInt64 + 10, true, 3},
				{math.MinInt64 + 1, true, 1},
				{5, false, math.MinInt64},
				{0, false, math.MinInt64},
				{-5, false, math.MaxInt64},
				{math.MaxInt64, true, math.MaxInt64},
			} {
				if i%4 == 3 { // now and then without the script on the server
					require.NoError(t, ctScriptFlush(ctx, c))
				}
				key := fmt.Sprintf("n%d", i)
				require.NoError(t, c.Set(ctx, key, []byte(strconv.FormatInt(tc.value, 10)), core.DefaultExpiry))
				op, want := c.Incr, tc.value+tc.delta
				if tc.decr {
					op, want = c.Decr, tc.value-tc.delta
				}
				got, err := op(ctx, key, tc.delta)
				require.NoError(t, err, "%d, decr %v, delta %d", tc.value, tc.decr, tc.delta)
				stored, err := other.Get(ctx, c.MakeKey(key)).Result()
				require.NoError(t, err)
				require.Equal(t, strconv.FormatInt(want, 10), stored, "Redis stores value+delta")
				require.Equal(t, stored, strconv.FormatInt(got, 10), "the result is what Redis stores")
			}
		})
	}
}

// ctScriptFlush empties the script cache of every primary.
func ctScriptFlush(ctx context.Context, c *core.Cache) error {
	if cc, ok := c.Client().(*redis.ClusterClient); ok {
		return cc.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
			return node.ScriptFlush(ctx).Err()
		})
	}
	return c.Client().ScriptFlush(ctx).Err()
}

// A result beyond 64 bits either way is refused, and the value is left as
// it was (read past the cache).
func TestCacheIncrDecrOverflow(t *testing.T) {
	for _, name := range []string{"standalone", "cluster"} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			c := ctOpenCleared(t, ctKind(t, name).entry(t, "ct-overflow-"+ctNonce(t)))
			for _, tc := range []struct {
				value int64
				decr  bool
				delta int64
			}{
				{math.MaxInt64, false, 1},
				{math.MaxInt64, true, -1},
				{1, false, math.MaxInt64},
				{math.MinInt64, true, 1},
				{math.MinInt64, false, -1},
				{-1, false, math.MinInt64},
				{-2, true, math.MaxInt64},
				{5, true, math.MinInt64},
			} {
				v := strconv.FormatInt(tc.value, 10)
				require.NoError(t, c.Set(ctx, "n", []byte(v), core.DefaultExpiry))
				op := c.Incr
				if tc.decr {
					op = c.Decr
				}
				n, err := op(ctx, "n", tc.delta)
				require.ErrorIs(t, err, core.ErrNotInteger, "%s, decr %v, delta %d", v, tc.decr, tc.delta)
				require.Zero(t, n)
				got, ok := ctRawGet(t, c, c.MakeKey("n"))
				require.True(t, ok)
				require.Equal(t, v, got, "a refused call changed the value")
			}
		})
	}
}

// The unix kind above really goes through the socket: Redis sees the
// client on it.
func TestCacheUnixSocket(t *testing.T) {
	path := env(t, "RC_TEST_UNIX")
	c := open(t, entry("unix://"+path+"?db=0", "ct-unix-"+ctNonce(t), nil))
	info, err := c.Client().Do(context.Background(), "CLIENT", "INFO").Text()
	require.NoError(t, err)
	require.Contains(t, info, "addr="+path+":")
}
