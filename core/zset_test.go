package core_test

import (
	"context"
	"math"
	"testing"

	"github.com/redisclient/redisclient/core"
	"github.com/redisclient/redisclient/core/codec"
	"github.com/stretchr/testify/require"
)

// django-redis 7's sorted sets; the Python tests hold them against
// django-redis on the same keys.

func zNames(ms []core.ZMember) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = string(m.Member)
	}
	return out
}

func TestRedisSortedSets(t *testing.T) {
	ctEachServer(t, "zset", func(t *testing.T, k serverKind, prefix string) {
		ctx := context.Background()
		c := ctOpenCleared(t, k.entry(t, prefix))
		members := []core.ZMember{{[]byte("a"), 1}, {[]byte("b"), 2}, {[]byte("c"), 3}, {[]byte("d"), 4.5}}
		n, err := c.ZAdd(ctx, "z", members, core.ZAddOptions{})
		require.NoError(t, err)
		require.EqualValues(t, 4, n)
		n, err = c.ZAdd(ctx, "z", []core.ZMember{{[]byte("a"), 10}, {[]byte("e"), 5}}, core.ZAddOptions{NX: true})
		require.NoError(t, err)
		require.EqualValues(t, 1, n, "nx adds e only")
		n, err = c.ZAdd(ctx, "z", []core.ZMember{{[]byte("a"), 0.5}}, core.ZAddOptions{XX: true, CH: true})
		require.NoError(t, err)
		require.EqualValues(t, 1, n, "ch counts the change")
		_, err = c.ZAdd(ctx, "z", nil, core.ZAddOptions{})
		require.ErrorIs(t, err, core.ErrArgument)

		score, applied, err := c.ZAddIncr(ctx, "z", core.ZMember{Member: []byte("a"), Score: 2}, core.ZAddOptions{})
		require.NoError(t, err)
		require.True(t, applied)
		require.Equal(t, 2.5, score)
		_, applied, err = c.ZAddIncr(ctx, "z", core.ZMember{Member: []byte("new"), Score: 2}, core.ZAddOptions{XX: true})
		require.NoError(t, err)
		require.False(t, applied, "xx: not a member, nothing done")
		score, err = c.ZIncrBy(ctx, "z", -0.5, []byte("a"))
		require.NoError(t, err)
		require.Equal(t, 2.0, score)

		card, err := c.ZCard(ctx, "z")
		require.NoError(t, err)
		require.EqualValues(t, 5, card)
		count, err := c.ZCount(ctx, "z", "2", "(4.5")
		require.NoError(t, err)
		require.EqualValues(t, 3, count, "a, b and c; d's bound is open")
		count, err = c.ZCount(ctx, "z", "-inf", "+inf")
		require.NoError(t, err)
		require.EqualValues(t, 5, count)

		got, err := c.ZRange(ctx, "z", 0, -1, false)
		require.NoError(t, err)
		require.Equal(t, []string{"a", "b", "c", "d", "e"}, zNames(got), "ties ordered by member")
		require.Equal(t, 4.5, got[3].Score)
		got, err = c.ZRange(ctx, "z", 0, 1, true)
		require.NoError(t, err)
		require.Equal(t, []string{"e", "d"}, zNames(got))
		got, err = c.ZRangeByScore(ctx, "z", "2", "4.5", 1, 2, false)
		require.NoError(t, err)
		require.Equal(t, []string{"b", "c"}, zNames(got), "limit 1 2")
		got, err = c.ZRangeByScore(ctx, "z", "3", "+inf", 0, -1, true)
		require.NoError(t, err)
		require.Equal(t, []string{"e", "d", "c"}, zNames(got))

		rank, found, err := c.ZRank(ctx, "z", []byte("c"))
		require.NoError(t, err)
		require.True(t, found)
		require.EqualValues(t, 2, rank)
		_, found, err = c.ZRank(ctx, "z", []byte("zz"))
		require.NoError(t, err)
		require.False(t, found)
		score, found, err = c.ZScore(ctx, "z", []byte("d"))
		require.NoError(t, err)
		require.True(t, found)
		require.Equal(t, 4.5, score)
		_, found, err = c.ZScore(ctx, "z", []byte("zz"))
		require.NoError(t, err)
		require.False(t, found)

		popped, err := c.ZPopMax(ctx, "z", 2)
		require.NoError(t, err)
		require.Equal(t, []string{"e", "d"}, zNames(popped))
		popped, err = c.ZPopMin(ctx, "z", 0)
		require.NoError(t, err)
		require.Equal(t, []core.ZMember{{[]byte("a"), 2}}, popped, "count 0 pops one, as ZPOPMIN without a count")
		n, err = c.ZRem(ctx, "z", []byte("b"), []byte("zz"))
		require.NoError(t, err)
		require.EqualValues(t, 1, n)
		n, err = c.ZRemRangeByScore(ctx, "z", "-inf", "3")
		require.NoError(t, err)
		require.EqualValues(t, 1, n)
		card, err = c.ZCard(ctx, "z")
		require.NoError(t, err)
		require.Zero(t, card)
		popped, err = c.ZPopMax(ctx, "z", 3)
		require.NoError(t, err)
		require.Empty(t, popped)

		// Members as django-redis stores them: serialized, ints too.
		m, err := c.Codec().EncodeSerialized(int64(7))
		require.NoError(t, err)
		require.Equal(t, "\x80\x04K\x07.", string(m))
		_, err = c.ZAdd(ctx, "vals", []core.ZMember{{m, math.Inf(1)}}, core.ZAddOptions{})
		require.NoError(t, err)
		got, err = c.ZRange(ctx, "vals", 0, -1, false)
		require.NoError(t, err)
		require.True(t, math.IsInf(got[0].Score, 1))
		v, err := c.Codec().Decode(got[0].Member)
		require.NoError(t, err)
		require.Equal(t, int64(7), v)
		_, err = c.Codec().EncodeSerialized(codec.Opaque{Raw: []byte("\x80\x04N.")})
		require.NoError(t, err)
	})
}
