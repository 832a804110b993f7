package core_test

import (
	"context"
	"testing"
	"time"

	"github.com/redisclient/redisclient/core"
	"github.com/redisclient/redisclient/core/codec"
	"github.com/stretchr/testify/require"
)

// Django's own RedisCache on the servers; core/config's tests read its
// entries.

// Live: whole-second timeouts (int(timeout), EX), pickle at protocol 5,
// integers as digits, incr and decr, on the standalone server and the pair.
func TestDjangoCacheLive(t *testing.T) {
	ctx := context.Background()
	prefix := "dj-" + ctNonce(t)
	for name, e := range map[string]core.Entry{
		"standalone": {Backend: core.BackendDjango, Location: "redis://" + env(t, "RC_TEST_STANDALONE") + "/0", KeyPrefix: prefix},
		"pair": {Backend: core.BackendDjango, KeyPrefix: prefix + "-p",
			Location: "redis://" + env(t, "RC_TEST_PAIR_PRIMARY") + "/0;redis://" + env(t, "RC_TEST_PAIR_REPLICA") + "/0"},
	} {
		t.Run(name, func(t *testing.T) {
			c := ctOpenCleared(t, e)
			require.NoError(t, c.Set(ctx, "t", []byte("x"), core.ExpireSeconds(2.9)))
			require.Equal(t, int64(2), (ctPttl(t, c, c.MakeKey("t"))+999)/1000, "2.9 s is int(2.9) = 2 s")
			require.NoError(t, c.Set(ctx, "gone", []byte("x"), core.ExpireSeconds(0.5))) // int(0.5) = 0: deleted
			require.Equal(t, int64(-2), ctPttl(t, c, c.MakeKey("gone")))
			added, err := c.Add(ctx, "a", []byte("x"), core.ExpireSeconds(1.5))
			require.NoError(t, err)
			require.True(t, added)
			require.LessOrEqual(t, ctPttl(t, c, c.MakeKey("a")), int64(1000))
			ok, err := c.Touch(ctx, "a", core.ExpireSeconds(60.7))
			require.NoError(t, err)
			require.True(t, ok)
			require.Equal(t, int64(60), (ctPttl(t, c, c.MakeKey("a"))+999)/1000)

			require.NoError(t, c.SetValue(ctx, "v", codec.Dict{{Key: "n", Value: int64(1)}}, core.DefaultExpiry))
			raw, err := c.Client().Get(ctx, c.MakeKey("v")).Bytes()
			require.NoError(t, err)
			require.Equal(t, []byte{0x80, 0x05}, raw[:2], "pickle protocol 5, as pickle.HIGHEST_PROTOCOL")
			require.NoError(t, c.SetValue(ctx, "n", int64(41), core.DefaultExpiry))
			n, err := c.Incr(ctx, "n", 1)
			require.NoError(t, err)
			require.Equal(t, int64(42), n)
			n, err = c.Decr(ctx, "n", 2)
			require.NoError(t, err)
			require.Equal(t, int64(40), n)
			if name == "pair" {
				waitReplicated(t, c)
			}
			v, found, err := c.GetValue(ctx, "n")
			require.NoError(t, err)
			require.True(t, found)
			require.Equal(t, int64(40), v)
			_, err = c.Incr(ctx, "missing", 1)
			require.ErrorIs(t, err, core.ErrNotFound)
			ttl, err := c.TTL(ctx, "t")
			require.NoError(t, err)
			require.LessOrEqual(t, ttl, 2*time.Second)
		})
	}
}
