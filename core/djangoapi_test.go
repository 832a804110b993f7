package core_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redisclient/redisclient/core"
	"github.com/redisclient/redisclient/core/codec"
	"github.com/stretchr/testify/require"
)

// Django's BaseCache methods that are more than one command, read from
// django/core/cache/backends/base.py and django_redis/client/default.py.
// The Python tests hold the same verbs against Django itself.

func TestDjangoGetOrSet(t *testing.T) {
	ctEachServer(t, "getorset", func(t *testing.T, k serverKind, prefix string) {
		ctx := context.Background()
		c := ctOpenCleared(t, k.entry(t, prefix))
		calls := 0
		def := func(v string) func() ([]byte, error) {
			return func() ([]byte, error) { calls++; return []byte(v), nil }
		}
		got, cached, err := c.GetOrSet(ctx, "k", def("first"), core.ExpireSeconds(30))
		require.NoError(t, err)
		require.True(t, cached)
		require.Equal(t, "first", string(got))
		require.Equal(t, 1, calls)
		ctRequireTTLNear(t, 30*time.Second, ctPttl(t, c, c.MakeKey("k")))

		got, cached, err = c.GetOrSet(ctx, "k", def("second"), core.NeverExpire)
		require.NoError(t, err)
		require.True(t, cached)
		require.Equal(t, "first", string(got), "a hit returns the stored value")
		require.Equal(t, 1, calls, "the default is computed only on a miss")

		// A timeout that expires at once stores nothing: Django answers the default.
		got, cached, err = c.GetOrSet(ctx, "zero", def("d"), core.ExpireSeconds(0))
		require.NoError(t, err)
		require.False(t, cached)
		require.Equal(t, "d", string(got))
		_, hit, err := c.Get(ctx, "zero")
		require.NoError(t, err)
		require.False(t, hit)

		boom := errors.New("boom")
		_, _, err = c.GetOrSet(ctx, "fails", func() ([]byte, error) { return nil, boom }, core.DefaultExpiry)
		require.ErrorIs(t, err, boom)
		_, hit, err = c.Get(ctx, "fails")
		require.NoError(t, err)
		require.False(t, hit, "a failed default stores nothing")

		// None is stored, as Django stores it, and a second call is a hit.
		v, cached, err := c.GetOrSetValue(ctx, "none", func() (codec.Value, error) { return nil, nil }, core.DefaultExpiry)
		require.NoError(t, err)
		require.True(t, cached)
		require.Nil(t, v)
		raw, hit, err := c.Get(ctx, "none")
		require.NoError(t, err)
		require.True(t, hit, "None is stored")
		require.Equal(t, []byte("\x80\x04N."), raw, "pickled None, as django-redis writes it")
		v, cached, err = c.GetOrSetValue(ctx, "none", func() (codec.Value, error) { t.Fatal("called on a hit"); return nil, nil }, core.DefaultExpiry)
		require.NoError(t, err)
		require.True(t, cached)
		require.Nil(t, v)

		v, cached, err = c.GetOrSetValue(ctx, "n", func() (codec.Value, error) { return int64(42), nil }, core.DefaultExpiry)
		require.NoError(t, err)
		require.True(t, cached)
		require.Equal(t, int64(42), v)
		raw, _, err = c.Get(ctx, "n")
		require.NoError(t, err)
		require.Equal(t, "42", string(raw), "an int is stored as its digits")
	})
}

func TestDjangoIncrVersion(t *testing.T) {
	ctEachServer(t, "incrversion", func(t *testing.T, k serverKind, prefix string) {
		ctx := context.Background()
		c := ctOpenCleared(t, k.entry(t, prefix))
		value := []byte("\x00binary\xff value")
		require.NoError(t, c.Set(ctx, "k", value, core.ExpireSeconds(40)))
		v, err := c.IncrVersion(ctx, "k", 1)
		require.NoError(t, err)
		require.Equal(t, 2, v)
		_, hit, err := c.Get(ctx, "k")
		require.NoError(t, err)
		require.False(t, hit, "the old version is deleted")
		got, hit, err := c.Version(2).Get(ctx, "k")
		require.NoError(t, err)
		require.True(t, hit)
		require.Equal(t, value, got, "the bytes move as they are")
		ctRequireTTLNear(t, 40*time.Second, ctPttl(t, c, c.Version(2).MakeKey("k")))

		v, err = c.Version(2).DecrVersion(ctx, "k", 5)
		require.NoError(t, err)
		require.Equal(t, -3, v)
		ctRequireTTLNear(t, 40*time.Second, ctPttl(t, c, c.Version(-3).MakeKey("k")))
		require.EqualValues(t, -2, ctPttl(t, c, c.Version(2).MakeKey("k")))

		require.NoError(t, c.Set(ctx, "forever", value, core.NeverExpire))
		v, err = c.IncrVersion(ctx, "forever", 10)
		require.NoError(t, err)
		require.Equal(t, 11, v)
		require.EqualValues(t, -1, ctPttl(t, c, c.Version(11).MakeKey("forever")), "no expiry stays no expiry")

		// The new version is overwritten, as Django's set overwrites it.
		require.NoError(t, c.Set(ctx, "over", []byte("v1"), core.NeverExpire))
		require.NoError(t, c.Version(2).Set(ctx, "over", []byte("v2"), core.NeverExpire))
		_, err = c.IncrVersion(ctx, "over", 1)
		require.NoError(t, err)
		got, _, err = c.Version(2).Get(ctx, "over")
		require.NoError(t, err)
		require.Equal(t, "v1", string(got))

		_, err = c.IncrVersion(ctx, "missing", 1)
		require.ErrorIs(t, err, core.ErrNotFound)
		_, err = c.DecrVersion(ctx, "missing", 1)
		require.ErrorIs(t, err, core.ErrNotFound)

		_, err = c.IncrVersion(ctx, "forever", 0)
		require.ErrorIs(t, err, core.ErrNotFound, "version 1 of it moved away")
		v, err = c.Version(11).IncrVersion(ctx, "forever", 0)
		require.NoError(t, err)
		require.Equal(t, 11, v)
		_, hit, err = c.Version(11).Get(ctx, "forever")
		require.NoError(t, err)
		require.True(t, hit, "a delta of 0 keeps the value")

		_, err = c.Version(math.MaxInt).IncrVersion(ctx, "k", 1)
		require.ErrorIs(t, err, core.ErrVersionRange)
		_, err = c.DecrVersion(ctx, "k", math.MinInt)
		require.ErrorIs(t, err, core.ErrVersionRange)
	})
}

// aclUser makes a user on every primary of kind that may write only keys
// starting with allowed, and returns an entry of kind that logs in as it.
func aclUser(t *testing.T, kind serverKind, prefix, allowed string) core.Entry {
	t.Helper()
	admin := open(t, kind.entry(t, prefix))
	user, pass := "rc-"+ctNonce(t), "pw-"+ctNonce(t)
	ctPrimaries(t, admin, func(ctx context.Context, node *redis.Client) int {
		require.NoError(t, node.Do(ctx, "ACL", "SETUSER", user, "on", ">"+pass, "~"+allowed+"*", "&*", "+@all").Err())
		return 0
	})
	t.Cleanup(func() {
		ctPrimaries(t, admin, func(ctx context.Context, node *redis.Client) int {
			_ = node.Do(ctx, "ACL", "DELUSER", user).Err()
			return 0
		})
	})
	return ctWithKwargs(kind.entry(t, prefix), map[string]any{"username": user, "password": pass})
}

func TestDjangoSetManyFailedKeys(t *testing.T) {
	for _, name := range []string{"standalone", "cluster"} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			kind := ctKind(t, name)
			prefix := "ct-failed-" + ctNonce(t)
			admin := ctOpenCleared(t, kind.entry(t, prefix))
			// The user may write prefix:1:ok* only: Redis refuses the other
			// SETs with NOPERM and stores the rest.
			c := open(t, aclUser(t, kind, prefix, admin.MakeKey("ok")))
			items := map[string][]byte{}
			for _, k := range ctNumbered("ok-%02d", 20) {
				items[k] = []byte(k)
			}
			for _, k := range ctNumbered("no-%02d", 5) {
				items[k] = []byte(k)
			}
			err := c.SetMany(ctx, items, core.DefaultExpiry)
			var sm *core.SetManyError
			require.ErrorAs(t, err, &sm)
			require.ElementsMatch(t, ctNumbered("no-%02d", 5), sm.Failed)
			require.Contains(t, err.Error(), "NOPERM")
			failed, ok := core.FailedKeys(err)
			require.True(t, ok)
			require.ElementsMatch(t, sm.Failed, failed)
			got, err := admin.GetMany(ctx, append(ctNumbered("ok-%02d", 20), ctNumbered("no-%02d", 5)...))
			require.NoError(t, err)
			require.Len(t, got, 20, "every key that was not refused is stored")
			for k := range got {
				require.True(t, strings.HasPrefix(k, "ok-"))
			}

			err = c.SetManyValues(ctx, map[string]codec.Value{"ok-x": "v", "no-x": "v"}, core.DefaultExpiry)
			failed, ok = core.FailedKeys(err)
			require.True(t, ok, "%v", err)
			require.Equal(t, []string{"no-x"}, failed)

			require.NoError(t, c.SetMany(ctx, map[string][]byte{"ok-y": nil}, core.DefaultExpiry))
			failed, ok = core.FailedKeys(nil)
			require.True(t, ok)
			require.Empty(t, failed)
			_, ok = core.FailedKeys(core.ErrConnection)
			require.False(t, ok, "a connection error leaves the outcome unknown")
		})
	}
}
