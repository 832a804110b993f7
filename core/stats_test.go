package core_test

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/redisclient/redisclient/core"
	"github.com/stretchr/testify/require"
)

// Stats counts every version of this prefix on the primary that holds
// each key, never a neighbour's (nor an extension "P:a"), and puts each
// sampled key in its TTL bucket.
func TestCacheStats(t *testing.T) {
	ctEachServer(t, "stats", func(t *testing.T, k serverKind, prefix string) {
		ctx := context.Background()
		c := ctOpenCleared(t, k.entry(t, prefix))
		for _, p := range []string{prefix + ":a", prefix + "x"} {
			o := ctOpenCleared(t, k.entry(t, p))
			require.NoError(t, o.Set(ctx, "k", []byte("theirs"), core.NeverExpire))
		}
		ttls := map[string]core.Expiry{
			"none": core.NeverExpire, "30s": core.ExpireSeconds(30), "10m": core.ExpireSeconds(600),
			"2h": core.ExpireSeconds(7200), "2d": core.ExpireSeconds(2 * 86400),
		}
		for key, exp := range ttls {
			require.NoError(t, c.Set(ctx, key, []byte("value"), exp))
		}
		require.NoError(t, c.Version(7).Set(ctx, "none", []byte("v7"), core.NeverExpire))

		stats, err := c.Stats(ctx, 100)
		require.NoError(t, err)
		held := ctPrimaries(t, c, ctCountMatching(prefix+":[0-9]*"))
		require.Len(t, stats, len(held))
		var total core.NodeStats
		for i, s := range stats {
			if i > 0 {
				require.Less(t, stats[i-1].Addr, s.Addr, "address order")
			}
			// Named as health names them, with the host go-redis blanks
			// (":7000") for a loopback node; the test's counts have it blank.
			require.False(t, strings.HasPrefix(s.Addr, ":"), s.Addr)
			n, ok := held[s.Addr]
			if !ok {
				_, port, err := net.SplitHostPort(s.Addr)
				require.NoError(t, err)
				n, ok = held[":"+port]
			}
			require.True(t, ok, "%s holds none of %v", s.Addr, held)
			require.EqualValues(t, n, s.Keys, s.Addr)
			require.Equal(t, s.Keys, s.Sampled)
			total.Keys += s.Keys
			total.MemoryBytes += s.MemoryBytes
			total.TTL.None += s.TTL.None
			total.TTL.Under1m += s.TTL.Under1m
			total.TTL.Under1h += s.TTL.Under1h
			total.TTL.Under1d += s.TTL.Under1d
			total.TTL.DayOrMore += s.TTL.DayOrMore
		}
		require.EqualValues(t, 6, total.Keys)
		require.Equal(t, core.TTLBuckets{None: 2, Under1m: 1, Under1h: 1, Under1d: 1, DayOrMore: 1}, total.TTL)
		require.Greater(t, total.MemoryBytes, int64(6*len("value")))

		counted, err := c.Stats(ctx, 0)
		require.NoError(t, err)
		for i, s := range counted {
			require.Equal(t, stats[i].Keys, s.Keys)
			require.Zero(t, s.Sampled)
			require.Zero(t, s.MemoryBytes)
		}
		one, err := c.Stats(ctx, 1)
		require.NoError(t, err)
		for _, s := range one {
			require.Equal(t, min(s.Keys, 1), s.Sampled, s.Addr)
		}

		c.Close()
		_, err = c.Stats(ctx, 1)
		require.ErrorIs(t, err, core.ErrClosed)
	})
}

// ClearProgress reports a growing total after each batch, the last the
// number removed.
func TestCacheClearProgress(t *testing.T) {
	ctEachServer(t, "clearprogress", func(t *testing.T, k serverKind, prefix string) {
		if k.name != "standalone" && k.name != "cluster" {
			return
		}
		ctx := context.Background()
		c := ctOpenCleared(t, k.entry(t, prefix))
		values := map[string][]byte{}
		for _, key := range ctNumbered("k%04d", 3000) {
			values[key] = []byte("v")
		}
		require.NoError(t, c.SetMany(ctx, values, core.ExpireSeconds(600)))
		var seen []int64
		removed, err := c.ClearProgress(ctx, func(n int64) { seen = append(seen, n) })
		require.NoError(t, err)
		require.EqualValues(t, 3000, removed)
		require.Greater(t, len(seen), 1, "one report for 3000 keys")
		require.IsIncreasing(t, seen)
		require.Equal(t, removed, seen[len(seen)-1])
	})
}
