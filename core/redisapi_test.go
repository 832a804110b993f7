package core_test

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redisclient/redisclient/core"
	"github.com/redisclient/redisclient/core/codec"
	"github.com/stretchr/testify/require"
)

// django-redis's own verbs, read from django_redis/client/default.py; the
// Python tests hold them against django-redis on the same keys.

func TestRedisExpireAtReplaceIncrCreate(t *testing.T) {
	ctEachServer(t, "redisapi", func(t *testing.T, k serverKind, prefix string) {
		ctx := context.Background()
		c := ctOpenCleared(t, k.entry(t, prefix))
		require.NoError(t, c.Set(ctx, "k", []byte("v"), core.NeverExpire))
		ok, err := c.ExpireAt(ctx, "k", time.Now().Add(50*time.Second))
		require.NoError(t, err)
		require.True(t, ok)
		ctRequireTTLNear(t, 50*time.Second, ctPttl(t, c, c.MakeKey("k")))
		ok, err = c.ExpireAt(ctx, "missing", time.Now().Add(time.Minute))
		require.NoError(t, err)
		require.False(t, ok)
		ok, err = c.ExpireAt(ctx, "k", time.Now().Add(-time.Second))
		require.NoError(t, err)
		require.True(t, ok)
		require.EqualValues(t, -2, ctPttl(t, c, c.MakeKey("k")), "a time in the past expires it now")

		// set(xx=True): only over an existing key.
		ok, err = c.Replace(ctx, "r", []byte("v1"), core.DefaultExpiry)
		require.NoError(t, err)
		require.False(t, ok)
		require.EqualValues(t, -2, ctPttl(t, c, c.MakeKey("r")), "xx never creates")
		require.NoError(t, c.Set(ctx, "r", []byte("v0"), core.NeverExpire))
		ok, err = c.Replace(ctx, "r", []byte("v1"), core.ExpireSeconds(30))
		require.NoError(t, err)
		require.True(t, ok)
		got, _, err := c.Get(ctx, "r")
		require.NoError(t, err)
		require.Equal(t, "v1", string(got))
		ctRequireTTLNear(t, 30*time.Second, ctPttl(t, c, c.MakeKey("r")))
		ok, err = c.ReplaceValue(ctx, "r", codec.List{int64(1)}, core.NeverExpire)
		require.NoError(t, err)
		require.True(t, ok)
		require.EqualValues(t, -1, ctPttl(t, c, c.MakeKey("r")))
		ok, err = c.Replace(ctx, "r", []byte("v2"), core.ExpireSeconds(0))
		require.NoError(t, err)
		require.True(t, ok, "timeout 0 deletes, and says the key existed")
		require.EqualValues(t, -2, ctPttl(t, c, c.MakeKey("r")))

		// incr(ignore_key_check=True): INCRBY, which starts at 0.
		n, err := c.IncrCreate(ctx, "n", 5)
		require.NoError(t, err)
		require.EqualValues(t, 5, n)
		require.EqualValues(t, -1, ctPttl(t, c, c.MakeKey("n")))
		n, err = c.IncrCreate(ctx, "n", -7)
		require.NoError(t, err)
		require.EqualValues(t, -2, n)
		require.NoError(t, c.Set(ctx, "text", []byte("abc"), core.DefaultExpiry))
		_, err = c.IncrCreate(ctx, "text", 1)
		require.ErrorIs(t, err, core.ErrNotInteger)
	})
}

// A prefix full of glob metacharacters, and beside it prefixes that an
// unescaped (or django-redis's bracketed) pattern would also match.
const rkGlobby = `svc*?[a]\`

func TestRedisKeysByPattern(t *testing.T) {
	for _, name := range clearServers {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			kind := ctKind(t, name)
			nonce := ctNonce(t)
			prefix := rkGlobby + nonce
			c := ctOpenCleared(t, kind.entry(t, prefix))
			neighbours := []*core.Cache{
				ctOpenCleared(t, kind.entry(t, `svcX?[a]\`+nonce)),
				ctOpenCleared(t, kind.entry(t, `svc*?a\`+nonce)),
				ctOpenCleared(t, kind.entry(t, `svc*?[a]\\`+nonce)),
			}
			keys := ctNumbered("user:%02d", 60) // over every primary of a cluster
			for _, key := range keys {
				require.NoError(t, c.Set(ctx, key, []byte("v"), core.DefaultExpiry))
				for _, n := range neighbours {
					require.NoError(t, n.Set(ctx, key, []byte("other"), core.DefaultExpiry))
				}
			}
			require.NoError(t, c.Set(ctx, "session:1", []byte("v"), core.DefaultExpiry))
			require.NoError(t, c.Version(2).Set(ctx, "user:99", []byte("v2"), core.DefaultExpiry))

			got, err := c.Keys(ctx, "user:*")
			require.NoError(t, err)
			require.Equal(t, keys, got, "every key of this prefix and version, none of the neighbours'")
			got, err = c.Keys(ctx, "*")
			require.NoError(t, err)
			require.Len(t, got, 61)
			got, err = c.Version(2).Keys(ctx, "user:*")
			require.NoError(t, err)
			require.Equal(t, []string{"user:99"}, got)
			got, err = c.Keys(ctx, "user:0?")
			require.NoError(t, err)
			require.Equal(t, keys[:10], got, "the search is a glob")

			// iter_keys, in small pages: every key, none of the neighbours'.
			seen := map[string]int{}
			for key, err := range c.IterKeys(ctx, "user:*", 7) {
				require.NoError(t, err)
				seen[key]++
			}
			require.ElementsMatch(t, keys, slices.Collect(maps.Keys(seen)))
			pages := 0
			var cursor uint64
			for {
				_, next, err := c.ScanKeys(ctx, "*", cursor, 5)
				require.NoError(t, err)
				pages++
				if next == 0 {
					break
				}
				cursor = next
			}
			require.Greater(t, pages, 3, "a scan of 61 keys by 5 takes pages")
			_, _, err = c.ScanKeys(ctx, "*", 1<<60, 5)
			require.ErrorIs(t, err, core.ErrCursor)
			for range c.IterKeys(ctx, "*", 1) {
				break // stopping early is fine
			}

			n, err := c.DeletePattern(ctx, "user:1*", 0)
			require.NoError(t, err)
			require.EqualValues(t, 10, n)
			got, err = c.Keys(ctx, "user:*")
			require.NoError(t, err)
			require.Equal(t, slices.Concat(keys[:10], keys[20:]), got)
			for _, nb := range neighbours {
				left, err := nb.Keys(ctx, "*")
				require.NoError(t, err)
				require.Equal(t, keys, left, "delete_pattern removed a neighbour's keys")
			}
			n, err = c.DeletePattern(ctx, "*", 3)
			require.NoError(t, err)
			require.EqualValues(t, 51, n)
			has, err := c.Version(2).HasKey(ctx, "user:99")
			require.NoError(t, err)
			require.True(t, has, "another version stays")
		})
	}
}

func TestRedisHashes(t *testing.T) {
	ctEachServer(t, "hash", func(t *testing.T, k serverKind, prefix string) {
		ctx := context.Background()
		c := ctOpenCleared(t, k.entry(t, prefix))
		n, err := c.HSet(ctx, "h", map[string][]byte{"a": []byte("1"), "b": []byte("\x00")})
		require.NoError(t, err)
		require.EqualValues(t, 2, n)
		n, err = c.HSetValues(ctx, "h", map[string]codec.Value{"b": int64(7), "c": codec.Tuple{"x"}})
		require.NoError(t, err)
		require.EqualValues(t, 1, n, "b existed")
		stored, err := c.Client().HGetAll(ctx, c.MakeKey("h")).Result()
		require.NoError(t, err)
		require.Equal(t, "7", stored["b"], "an int is stored as its digits")
		require.Equal(t, "\x80\x04\x95\x07\x00\x00\x00\x00\x00\x00\x00\x8c\x01x\x94\x85\x94.", stored["c"], "pickled as django-redis pickles it")
		n, err = c.HLen(ctx, "h")
		require.NoError(t, err)
		require.EqualValues(t, 3, n)
		fields, err := c.HKeys(ctx, "h")
		require.NoError(t, err)
		require.ElementsMatch(t, []string{"a", "b", "c"}, fields)
		ok, err := c.HExists(ctx, "h", "a")
		require.NoError(t, err)
		require.True(t, ok)
		n, err = c.HDel(ctx, "h", "a", "zz")
		require.NoError(t, err)
		require.EqualValues(t, 1, n)
		ok, err = c.HExists(ctx, "h", "a")
		require.NoError(t, err)
		require.False(t, ok)
		n, err = c.HLen(ctx, "missing")
		require.NoError(t, err)
		require.Zero(t, n)
		fields, err = c.HKeys(ctx, "missing")
		require.NoError(t, err)
		require.Empty(t, fields)
		_, err = c.HSet(ctx, "h", nil)
		require.ErrorIs(t, err, core.ErrArgument)
		require.NoError(t, c.Set(ctx, "s", []byte("v"), core.DefaultExpiry))
		_, err = c.HLen(ctx, "s")
		require.ErrorContains(t, err, "WRONGTYPE")
	})
}

func TestRedisLock(t *testing.T) {
	ctEachServer(t, "lock", func(t *testing.T, k serverKind, prefix string) {
		ctx := context.Background()
		c := ctOpenCleared(t, k.entry(t, prefix))
		a := c.Lock("job", core.LockOptions{Timeout: 20 * time.Second})
		ok, err := a.Acquire(ctx)
		require.NoError(t, err)
		require.True(t, ok)
		token := a.Token()
		require.Len(t, token, 32)
		stored, _, err := c.Get(ctx, "job")
		require.NoError(t, err)
		require.Equal(t, token, string(stored), "the key is the cache's key for the name, holding the token")
		ctRequireTTLNear(t, 20*time.Second, ctPttl(t, c, c.MakeKey("job")))

		b := c.Lock("job", core.LockOptions{NonBlocking: true})
		ok, err = b.Acquire(ctx)
		require.NoError(t, err)
		require.False(t, ok, "a held lock excludes another holder")
		b = c.Lock("job", core.LockOptions{Sleep: 50 * time.Millisecond, BlockingTimeout: 300 * time.Millisecond})
		t0 := time.Now()
		ok, err = b.Acquire(ctx)
		require.NoError(t, err)
		require.False(t, ok)
		require.GreaterOrEqual(t, time.Since(t0), 200*time.Millisecond, "it tried for the blocking timeout")
		require.Less(t, time.Since(t0), 2*time.Second)

		locked, err := b.Locked(ctx)
		require.NoError(t, err)
		require.True(t, locked)
		owned, err := b.Owned(ctx)
		require.NoError(t, err)
		require.False(t, owned)
		owned, err = a.Owned(ctx)
		require.NoError(t, err)
		require.True(t, owned)

		// Only the holder releases: a stranger's token changes nothing.
		stranger := c.HeldLock("job", "not-the-token", core.LockOptions{})
		require.ErrorIs(t, stranger.Release(ctx), core.ErrLockNotOwned)
		require.ErrorIs(t, stranger.Release(ctx), core.ErrLockNotHeld, "release forgets the token, as redis-py's")
		locked, err = a.Locked(ctx)
		require.NoError(t, err)
		require.True(t, locked)

		require.NoError(t, a.Extend(ctx, 30*time.Second, false))
		ctRequireTTLNear(t, 50*time.Second, ctPttl(t, c, c.MakeKey("job")))
		require.NoError(t, a.Extend(ctx, 5*time.Second, true))
		ctRequireTTLNear(t, 5*time.Second, ctPttl(t, c, c.MakeKey("job")))
		require.NoError(t, a.Reacquire(ctx))
		ctRequireTTLNear(t, 20*time.Second, ctPttl(t, c, c.MakeKey("job")))

		// The token is all it takes: another Lock with it releases.
		same := c.HeldLock("job", token, core.LockOptions{})
		require.NoError(t, same.Release(ctx))
		locked, err = a.Locked(ctx)
		require.NoError(t, err)
		require.False(t, locked)
		require.ErrorIs(t, a.Extend(ctx, time.Second, false), core.ErrLockNotOwned)
		require.ErrorIs(t, a.Release(ctx), core.ErrLockNotOwned)
		require.ErrorIs(t, a.Release(ctx), core.ErrLockNotHeld)

		// A blocking holder gets the lock once it is released.
		ok, err = a.Acquire(ctx)
		require.NoError(t, err)
		require.True(t, ok)
		go func() {
			time.Sleep(150 * time.Millisecond)
			_ = a.Release(context.Background())
		}()
		waiter := c.Lock("job", core.LockOptions{Sleep: 20 * time.Millisecond})
		ok, err = waiter.Acquire(ctx)
		require.NoError(t, err)
		require.True(t, ok)
		require.NotEqual(t, token, waiter.Token())

		// A lock without a timeout never expires, and has nothing to extend.
		forever := c.Lock("forever", core.LockOptions{})
		ok, err = forever.Acquire(ctx)
		require.NoError(t, err)
		require.True(t, ok)
		require.EqualValues(t, -1, ctPttl(t, c, c.MakeKey("forever")))
		require.ErrorIs(t, forever.Extend(ctx, time.Second, false), core.ErrLockNotOwned, "redis-py's script refuses")
		require.ErrorIs(t, forever.Reacquire(ctx), core.ErrLockNoExpiry)
		require.NoError(t, forever.Release(ctx))

		// A lock that expired is no longer owned, and anyone may take it.
		short := c.Lock("short", core.LockOptions{Timeout: 50 * time.Millisecond})
		ok, err = short.Acquire(ctx)
		require.NoError(t, err)
		require.True(t, ok)
		time.Sleep(120 * time.Millisecond)
		require.ErrorIs(t, short.Release(ctx), core.ErrLockNotOwned)

		cancelled, cancel := context.WithCancel(ctx)
		holder := c.Lock("held", core.LockOptions{})
		ok, err = holder.Acquire(ctx)
		require.NoError(t, err)
		require.True(t, ok)
		go func() { time.Sleep(100 * time.Millisecond); cancel() }()
		ok, err = c.Lock("held", core.LockOptions{}).Acquire(cancelled)
		require.ErrorIs(t, err, context.Canceled)
		require.False(t, ok)
		require.NoError(t, holder.Release(ctx))

		_, err = c.Lock("bad", core.LockOptions{Timeout: -time.Second}).Acquire(ctx)
		require.ErrorIs(t, err, core.ErrArgument)
	})
}

// The scripts reach Redis by their text when it does not know them.
func TestRedisLockAfterScriptFlush(t *testing.T) {
	ctx := context.Background()
	c := ctOpenCleared(t, ctKind(t, "standalone").entry(t, "ct-lockflush-"+ctNonce(t)))
	l := c.Lock("k", core.LockOptions{Timeout: time.Minute})
	ok, err := l.Acquire(ctx)
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, c.Client().(*redis.Client).ScriptFlush(ctx).Err())
	require.NoError(t, l.Extend(ctx, time.Second, false))
	require.NoError(t, c.Client().(*redis.Client).ScriptFlush(ctx).Err())
	require.NoError(t, l.Release(ctx))
}
